using Switch.LoadTest.Report;

namespace Switch.LoadTest.Tests.Report;

/// <summary>timeseries.csv as written by <see cref="ReportWriter"/>.</summary>
public sealed class TimeSeriesCsvTests
{
    private const string FixedColumns = "second,target_rate,sent,answered,approved,declined,timeouts,errors,p50_ms,p99_ms,p999_ms,max_ms";

    private static async Task<string[]> WriteAndReadLinesAsync(RunReport report)
    {
        using var directory = new TempDirectory();
        await ReportWriter.WriteAsync(report, directory.Path, CancellationToken.None);
        var text = await File.ReadAllTextAsync(directory.File(ReportWriter.TimeSeriesFile));
        Assert.EndsWith("\n", text);
        return text.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public async Task Header_has_the_fixed_columns_then_channels_by_name_then_response_codes_by_frequency()
    {
        var lines = await WriteAndReadLinesAsync(SampleReports.PeakDay());
        Assert.Equal(
            FixedColumns +
            ",bank-a_requests,bank-a_p99_ms,bank-a_breaker,bank-b_requests,bank-b_p99_ms,bank-b_breaker" +
            ",rc_00,rc_91,rc_05,rc_51,rc_96",
            lines[0]);
    }

    [Fact]
    public async Task One_row_per_second_with_every_column_filled()
    {
        var lines = await WriteAndReadLinesAsync(SampleReports.PeakDay());
        Assert.Equal(1 + SampleReports.RunSeconds, lines.Length);
        var columns = lines[0].Split(',').Length;
        Assert.Equal(23, columns);
        Assert.All(lines, line => Assert.Equal(columns, line.Split(',').Length));
        Assert.Equal(Enumerable.Range(0, SampleReports.RunSeconds).Select(s => s.ToString()), lines.Skip(1).Select(line => line.Split(',')[0]));
    }

    [Fact]
    public async Task Rows_carry_the_seconds_values_in_invariant_format()
    {
        var lines = await WriteAndReadLinesAsync(SampleReports.PeakDay());
        Assert.Equal("0,100,100,100,95,5,0,0,3.25,14.5,30.75,41,50,9.5,closed,50,12.25,closed,95,0,3,2,0", lines[1]);
        Assert.Equal("75,1000,1000,1000,448,50,500,2,3.25,250.125,1001.5,1002,500,9.5,closed,500,0,open,448,500,37,13,2", lines[1 + 75]);
        Assert.EndsWith(",500,31.5,half-open,950,0,37,13,0", lines[1 + 90]);
    }

    [Fact]
    public async Task Only_the_eight_most_frequent_response_codes_get_a_column()
    {
        var codes = new Dictionary<string, long>();
        for (var code = 0; code < 10; code++) codes[code.ToString("00")] = 100 - code;
        var sample = SampleReports.Second(0) with { ResponseCodes = codes };
        var lines = await WriteAndReadLinesAsync(SampleReports.Short(1) with { Seconds = [sample] });
        Assert.EndsWith(",rc_00,rc_01,rc_02,rc_03,rc_04,rc_05,rc_06,rc_07", lines[0]);
        Assert.EndsWith(",100,99,98,97,96,95,94,93", lines[1]);
    }

    [Fact]
    public async Task A_channel_missing_from_a_second_reads_as_idle_and_unknown()
    {
        var sample = SampleReports.Second(0);
        var withoutBankB = sample with { Channels = new Dictionary<string, ChannelSecond> { ["bank-a"] = sample.Channels["bank-a"] } };
        var lines = await WriteAndReadLinesAsync(SampleReports.Short(2) with { Seconds = [withoutBankB, SampleReports.Second(1)] });
        Assert.Contains(",50,9.5,closed,0,0,unknown,", lines[1]);
        Assert.Contains(",100,9.5,closed,100,12.25,closed,", lines[2]);
    }

    [Fact]
    public async Task A_channel_name_with_a_comma_is_quoted()
    {
        var sample = SampleReports.Second(0);
        var channels = new Dictionary<string, ChannelSecond> { ["bank \"b\", backup"] = sample.Channels["bank-b"] };
        var report = SampleReports.Short(1) with { PerChannel = new Dictionary<string, ChannelSummary>(), Seconds = [sample with { Channels = channels }] };
        var lines = await WriteAndReadLinesAsync(report);
        Assert.Contains(",\"bank \"\"b\"\", backup_requests\",", lines[0]);
    }

    [Fact]
    public async Task No_samples_gives_only_the_header()
    {
        var lines = await WriteAndReadLinesAsync(SampleReports.Empty());
        Assert.Equal([FixedColumns], lines);
    }
}
