using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Backprop.Simd.Benchmarks;

// Every suite reports the median, GFLOP/s at the median and allocated bytes.
// Example: dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- --filter '*Gemm*' --job short
// The per-call latency histogram of Predict: dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- latency
if (args is ["latency", ..])
{
    PredictLatency.Run();
    return;
}

var config = DefaultConfig.Instance
    .AddColumn(StatisticColumn.Median, new GflopsColumn())
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(GflopsColumn).Assembly).Run(args, config);
