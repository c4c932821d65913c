using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Backprop.Simd.Benchmarks;

// Every suite reports the median, GFLOP/s at the median and allocated bytes.
// Example: dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- --filter '*Gemm*' --job short
// The per-call latency histogram of Predict: dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- latency
if (args is ["latency", ..])
{
    int calls = 1_000_000;
    if (args.Length > 1 && !(int.TryParse(args[1], out calls) && calls >= 1000))
    {
        Console.Error.WriteLine($"latency: CALLS must be a whole number of at least 1000, not '{args[1]}'.");
        Environment.Exit(2);
    }

    PredictLatency.Run(calls, Math.Max(1000, calls / 5));
    return;
}

var config = DefaultConfig.Instance
    .AddColumn(StatisticColumn.Median, new GflopsColumn())
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(GflopsColumn).Assembly).Run(args, config);
