using Berth.Core.Errors;
using Berth.Core.TaskDefinitions;

namespace Berth.Core.Tests.TaskDefinitions;

public class TaskSizeTests
{
    [Theory]
    [InlineData("1024", "1024")]
    [InlineData("256", "256")]
    [InlineData(" 512 ", "512")]
    [InlineData("1 vCPU", "1024")]
    [InlineData("1 vcpu", "1024")]
    [InlineData("0.25 vCPU", "256")]
    [InlineData("0.5vcpu", "512")]
    [InlineData("2 VCPU", "2048")]
    [InlineData("16 vCPU", "16384")]
    public void Cpu_is_returned_in_cpu_units(string given, string units)
    {
        Assert.Equal(units, TaskSize.NormalizeCpu(given));
    }

    [Theory]
    [InlineData("2048", "2048")]
    [InlineData("512", "512")]
    [InlineData("0.5GB", "512")]
    [InlineData("0.5 GB", "512")]
    [InlineData("1 gb", "1024")]
    [InlineData("2GB", "2048")]
    [InlineData("30 GB", "30720")]
    public void Memory_is_returned_in_mebibytes(string given, string mebibytes)
    {
        Assert.Equal(mebibytes, TaskSize.NormalizeMemory(given));
    }

    [Fact]
    public void Absent_sizes_stay_absent()
    {
        Assert.Null(TaskSize.NormalizeCpu(null));
        Assert.Null(TaskSize.NormalizeMemory(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-256")]
    [InlineData("1.5")]
    [InlineData("1 GB")]
    [InlineData("1 vCPU 2")]
    [InlineData("0.1 vCPU")]
    [InlineData("1,5 vCPU")]
    [InlineData("99999999999999999999")]
    [InlineData("999999999999999999999999999999999")]
    [InlineData("3000000000")]
    [InlineData("3000000 vCPU")]
    [InlineData("79228162514264337593543950335 vCPU")]
    public void Cpu_that_is_not_a_positive_whole_number_of_units_is_a_client_error(string given)
    {
        var error = Assert.Throws<ClientException>(() => TaskSize.NormalizeCpu(given));
        Assert.Equal($"Invalid 'cpu' setting for task: '{given}'.", error.Message);
    }

    [Theory]
    [InlineData("0 GB")]
    [InlineData("512 MB")]
    [InlineData("2 vCPU")]
    [InlineData("0.0001 GB")]
    [InlineData("GB")]
    [InlineData("2097152 GB")]
    public void Memory_that_is_not_a_positive_whole_number_of_mebibytes_is_a_client_error(string given)
    {
        Assert.Throws<ClientException>(() => TaskSize.NormalizeMemory(given));
    }
}
