using Berth.Core.Ecs;
using Berth.Core.Logs;

namespace Berth.Core.Tests.Logs;

public class AwsLogsOptionRulesTests
{
    private static string? ProblemOf(params (string Key, string Value)[] options) =>
        AwsLogsOptionRules.Problem(options.ToDictionary(o => o.Key, o => o.Value));

    [Fact]
    public void What_ECS_and_Docker_take_passes()
    {
        Assert.Null(ProblemOf(("awslogs-group", "/app"), ("awslogs-region", "us-east-1"), ("awslogs-stream-prefix", "web"),
            ("awslogs-create-group", "True"), ("awslogs-multiline-pattern", "^\\S"), ("awslogs-force-flush-interval-seconds", "2"),
            ("mode", "non-blocking"), ("max-buffer-size", "4m"), ("awslogs-endpoint", "https://logs.example"), ("tag", "{{.Name}}")));
        Assert.Null(ProblemOf(("awslogs-group", "/app"), ("awslogs-datetime-format", "%Y-%m-%d"), ("awslogs-max-buffered-events", "100")));
        Assert.Null(ProblemOf(("awslogs-group", "/app"), ("awslogs-format", "json/emf")));
    }

    [Theory]
    [InlineData("awslogs-stream-prefx", "web", "unknown log opt 'awslogs-stream-prefx' for awslogs log driver")]
    [InlineData("awslogs-create-group", "yes", "must specify valid value for log opt 'awslogs-create-group': strconv.ParseBool: parsing \"yes\": invalid syntax")]
    [InlineData("awslogs-force-flush-interval-seconds", "0", "must specify a positive integer for log opt 'awslogs-force-flush-interval-seconds': 0")]
    [InlineData("awslogs-max-buffered-events", "many", "must specify a positive integer for log opt 'awslogs-max-buffered-events': many")]
    [InlineData("awslogs-format", "json", "unsupported log format 'json'")]
    [InlineData("mode", "lossy", "logger: logging mode not supported: lossy")]
    [InlineData("max-buffer-size", "4m", "logger: max-buffer-size option is only supported with 'mode=non-blocking'")]
    public void Docker_refuses_an_option_in_its_own_words(string key, string value, string problem)
    {
        Assert.Equal(problem, ProblemOf(("awslogs-group", "/app"), (key, value)));
    }

    [Fact]
    public void A_buffer_size_must_read_as_Dockers_sizes_do()
    {
        Assert.Equal("error parsing option max-buffer-size: invalid size: 'lots'",
            ProblemOf(("awslogs-group", "/app"), ("mode", "non-blocking"), ("max-buffer-size", "lots")));
        Assert.Null(ProblemOf(("awslogs-group", "/app"), ("mode", "non-blocking"), ("max-buffer-size", "1.5 MiB")));
    }

    [Fact]
    public void Docker_refuses_a_missing_group_options_that_exclude_each_other_and_a_pattern_that_does_not_parse()
    {
        Assert.Equal("must specify a value for log opt 'awslogs-group'", ProblemOf(("awslogs-region", "us-east-1")));
        Assert.Equal("you cannot configure log opt 'awslogs-datetime-format' and 'awslogs-multiline-pattern' at the same time",
            ProblemOf(("awslogs-group", "/app"), ("awslogs-datetime-format", "%Y"), ("awslogs-multiline-pattern", "^x")));
        Assert.Equal("you cannot configure log opt 'awslogs-datetime-format' or 'awslogs-multiline-pattern' when log opt 'awslogs-format' is set to 'json/emf'",
            ProblemOf(("awslogs-group", "/app"), ("awslogs-format", "json/emf"), ("awslogs-multiline-pattern", "^x")));
        Assert.StartsWith("awslogs could not parse multiline pattern key \"(unclosed\": ",
            ProblemOf(("awslogs-group", "/app"), ("awslogs-multiline-pattern", "(unclosed")));
    }

    [Fact]
    public void A_datetime_format_becomes_Dockers_pattern_and_matches_anywhere_in_a_line()
    {
        var pattern = AwsLogsOptionRules.MultilinePatternOf(new Dictionary<string, string> { ["awslogs-datetime-format"] = "%b %d, %Y %H:%M:%S%q" });

        // Literal text stays as it is (Docker does not escape it); a sequence it has no pattern for becomes nothing.
        Assert.Equal(@"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:0[1-9]|[1,2][0-9]|3[0,1]), \d{4} (?:[0,1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]", pattern);
        var start = AwsLogsOptionRules.StartOfEvent(pattern!);
        Assert.Matches(start, "INFO Dec 08, 2026 03:30:00 started");
        Assert.DoesNotMatch(start, "    at Main.run(Main.java:3)");
    }

    [Fact]
    public void The_options_name_the_stream_the_pattern_and_the_flush_interval()
    {
        var definition = new ContainerDefinition
        {
            Name = "app",
            LogConfiguration = new LogConfiguration
            {
                LogDriver = "awslogs",
                Options = new Dictionary<string, string>
                {
                    ["awslogs-group"] = "/app",
                    ["awslogs-stream"] = "mine",
                    ["awslogs-create-group"] = "1",
                    ["awslogs-multiline-pattern"] = "^\\S",
                    ["awslogs-force-flush-interval-seconds"] = "2",
                },
            },
        };

        var options = AwsLogsOptions.Of(definition)!;

        Assert.True(options.CreateGroup);
        Assert.Equal("mine", options.StreamName("app", "arn:aws:ecs:us-east-1:0:task/c/abc", "dockerid"));
        Assert.Equal("^\\S", options.MultilinePattern);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ForceFlushInterval);
        Assert.Equal("p/app/abc", (options with { StreamPrefix = "p" }).StreamName("app", "arn:aws:ecs:us-east-1:0:task/c/abc", "dockerid"));
    }
}
