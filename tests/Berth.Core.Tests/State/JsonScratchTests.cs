using System.Text.Json;
using Berth.Core.Ecs;
using Berth.Core.State;

namespace Berth.Core.Tests.State;

public class JsonScratchTests
{
    private static readonly string?[] Statuses = [null, "PROVISIONING", "PENDING", "RUNNING", "STOPPED"];

    /// <summary>Tasks that differ in a few members, some in nested lists (which records compare by reference).</summary>
    private static EcsTask RandomTask(Random random) => new()
    {
        TaskArn = $"arn:aws:ecs:eu-west-1:123456789012:task/prod/{random.Next(3)}",
        LastStatus = Statuses[random.Next(Statuses.Length)],
        DesiredStatus = Statuses[random.Next(Statuses.Length)],
        HealthStatus = random.Next(2) == 0 ? null : "HEALTHY",
        Containers = [.. Enumerable.Range(0, random.Next(3)).Select(i => new Container
        {
            Name = $"c{i}",
            LastStatus = Statuses[random.Next(Statuses.Length)],
            ExitCode = random.Next(3) == 0 ? random.Next(2) : null,
        })],
    };

    [Fact]
    public void SameJson_answers_as_comparing_the_serialized_strings()
    {
        var random = new Random(21);
        var same = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var a = RandomTask(random);
            var b = random.Next(4) == 0 ? a with { Containers = [.. a.Containers!] } : RandomTask(random);

            var expected = JsonSerializer.Serialize(a, StateJsonContext.Default.EcsTask) == JsonSerializer.Serialize(b, StateJsonContext.Default.EcsTask);

            Assert.Equal(expected, JsonScratch.SameJson(a, b, StateJsonContext.Default.EcsTask));
            same += expected ? 1 : 0;
        }
        // Both answers occur, so the comparison above could fail either way.
        Assert.InRange(same, 100, 1_900);
    }

    [Fact]
    public void A_document_larger_than_a_thread_keeps_is_written_whole_and_the_next_small_one_still_is()
    {
        var big = new EcsTask { TaskArn = new string('x', 200_000), LastStatus = "RUNNING" };
        var small = new EcsTask { TaskArn = "t", LastStatus = "RUNNING" };

        Assert.True(JsonScratch.SameJson(big, big with { }, StateJsonContext.Default.EcsTask));
        Assert.False(JsonScratch.SameJson(big, big with { LastStatus = "STOPPED" }, StateJsonContext.Default.EcsTask));
        Assert.True(JsonScratch.SameJson(small, small with { }, StateJsonContext.Default.EcsTask));
        Assert.Equal(
            JsonSerializer.SerializeToUtf8Bytes(big, StateJsonContext.Default.EcsTask),
            JsonScratch.ToUtf8Bytes(big, static (writer, task) => JsonSerializer.Serialize(writer, task, StateJsonContext.Default.EcsTask)));
    }
}
