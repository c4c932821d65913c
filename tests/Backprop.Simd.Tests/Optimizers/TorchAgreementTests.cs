using System.Diagnostics;
using System.Text.Json;
using Backprop.Simd.Tests.Docs;

namespace Backprop.Simd.Tests.Optimizers;

/// <summary>
/// Every update rule and schedule against torch.optim (Debian's python3-torch 1.13, which CI installs):
/// from the same initial network, on the same data, with full-batch steps, our float32 run and
/// PyTorch's float64 run agree after 20 steps: each step's training cost within 1e-5 relative, and
/// 99.9% of the parameters within 1e-4 of their tensor's largest magnitude. A deliberately wrong
/// Adam (no bias correction) must not agree.
/// </summary>
public sealed class TorchAgreementTests() : TemporaryFolder("torch-agreement-")
{
    private const int Steps = 20, Samples = 48;

    public static TheoryData<string> Cases() =>
    [
        "sgd", "sgd-l2", "momentum", "nesterov", "adam", "adam-l2", "adamw",
        "step", "exponential", "cosine", "warmup", "clip", "quadratic-tanh",
    ];

    private static (TrainingOptions Options, Dictionary<string, object?> Torch) Case(string name)
    {
        var o = new TrainingOptions { Epochs = Steps, BatchSize = Samples, Seed = 3, Cost = CostFunction.LogLikelihood };
        o = name switch
        {
            "sgd" or "quadratic-tanh" => o with { Optimizer = Optimizer.Sgd, Eta = 0.5 },
            "sgd-l2" => o with { Optimizer = Optimizer.Sgd, Eta = 0.5, Lambda = 4.8 },          // lambda / n = 0.1
            "momentum" => o with { Optimizer = Optimizer.Momentum, Momentum = 0.9, Eta = 0.05, Lambda = 0.48 },
            "nesterov" => o with { Optimizer = Optimizer.Nesterov, Momentum = 0.8, Eta = 0.05 },
            "adam" => o with { Optimizer = Optimizer.Adam, Eta = 0.01 },
            "adam-l2" => o with { Optimizer = Optimizer.Adam, Eta = 0.01, WeightDecay = 0.05 },
            "adamw" => o with { Optimizer = Optimizer.AdamW, Eta = 0.01, WeightDecay = 0.1, Beta1 = 0.8, Beta2 = 0.99, AdamEpsilon = 1e-6 },
            "step" => o with { Optimizer = Optimizer.Adam, Eta = 0.02, Schedule = Schedule.Step, StepSize = 6, Gamma = 0.5 },
            "exponential" => o with { Optimizer = Optimizer.Momentum, Momentum = 0.9, Eta = 0.1, Schedule = Schedule.Exponential, Gamma = 0.9 },
            "cosine" => o with { Optimizer = Optimizer.AdamW, Eta = 0.02, WeightDecay = 0.01, Schedule = Schedule.Cosine, CosineSteps = 20, MinEta = 0.001 },
            "warmup" => o with { Optimizer = Optimizer.Adam, Eta = 0.02, WarmupSteps = 8 },
            "clip" => o with { Optimizer = Optimizer.Sgd, Eta = 0.5, ClipNorm = 0.05 },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        if (name == "quadratic-tanh") o = o with { Cost = CostFunction.Quadratic };
        var torch = new Dictionary<string, object?>
        {
            ["optimizer"] = o.EffectiveOptimizer.ToString().ToLowerInvariant(),
            ["lr"] = o.Eta,
            ["momentum"] = o.Momentum,
            ["beta1"] = o.Beta1,
            ["beta2"] = o.Beta2,
            ["eps"] = o.AdamEpsilon,
            ["weight_decay"] = o.WeightDecay,
            ["l2"] = o.Lambda / Samples,
            ["clip_norm"] = o.ClipNorm,
            ["schedule"] = new Dictionary<string, object>
            {
                ["kind"] = o.Schedule.ToString().ToLowerInvariant(), ["step_size"] = o.StepSize, ["gamma"] = o.Gamma,
                ["t_max"] = o.CosineSteps, ["eta_min"] = o.MinEta,
            },
            ["warmup"] = o.WarmupSteps,
            ["steps"] = Steps,
            ["variant"] = null,
        };
        return (o, torch);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Our_steps_agree_with_torch_optim(string name)
    {
        (TrainingOptions options, Dictionary<string, object?> torch) = Case(name);
        Result result = Compare(name, options, torch);
        Assert.True(result.CostsAgree, $"{name}: per-step costs differ by up to {result.WorstCost:E2} relative (ours {string.Join(", ", result.Ours.Take(4))} ...; torch {string.Join(", ", result.Torch.Take(4))} ...)");
        Assert.True(result.ParametersAgree, $"{name}: {result.Outside} of {result.Parameters} parameters are further than 1e-4 of their tensor's largest magnitude from torch's");
    }

    [Fact]
    public void An_adam_without_bias_correction_does_not_agree()
    {
        (TrainingOptions options, Dictionary<string, object?> torch) = Case("adam");
        torch["variant"] = "adam-no-bias-correction";
        Result result = Compare("adam-wrong", options, torch);
        Assert.False(result.CostsAgree && result.ParametersAgree, "a wrong Adam passed the agreement test: the test cannot tell Adam from it");
    }

    private sealed record Result(bool CostsAgree, double WorstCost, bool ParametersAgree, int Outside, int Parameters, double[] Ours, double[] Torch);

    private Result Compare(string name, TrainingOptions options, Dictionary<string, object?> torch)
    {
        bool tanh = name == "quadratic-tanh";
        var layout = new NetworkLayout([5, 8, 3], tanh ? [Activation.Tanh, Activation.Sigmoid] : [Activation.Relu, Activation.Softmax]);
        var random = new SeededRandom(11);
        float[] x = Enumerable.Range(0, Samples * 5).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        int[] labels = Enumerable.Range(0, Samples).Select(i => (x[i * 5] + x[i * 5 + 1] > 0 ? 1 : 0) + (x[i * 5 + 2] > 0.5f ? 1 : 0)).ToArray();
        Dataset data = Dataset.FromArrays(x, 5, labels, 3);
        var network = Network<float>.Create(layout, tanh ? Initialization.Xavier : Initialization.He, 5);

        string dir = PathOf(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "layout.json"), JsonSerializer.Serialize(new
        {
            sizes = layout.Sizes.ToArray(),
            activations = layout.ActivationFunctions.ToArray().Select(a => a.ToString().ToLowerInvariant()).ToArray(),
            cost = options.Cost == CostFunction.Quadratic ? "quadratic" : "log-likelihood",
        }));
        File.WriteAllText(Path.Combine(dir, "optim.json"), JsonSerializer.Serialize(torch));
        NpyFile.Write<double>(Path.Combine(dir, "x.npy"), x.Select(v => (double)v).ToArray(), Samples, 5);
        NpyFile.Write<double>(Path.Combine(dir, "y.npy"), data.Targets.ToArray().Select(v => (double)v).ToArray(), Samples, 3);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            NpyFile.Write<double>(Path.Combine(dir, $"W{l + 1}.npy"), network.Weights(l).ToArray().Select(v => (double)v).ToArray(), layout.OutputsOf(l), layout.InputsOf(l));
            NpyFile.Write<double>(Path.Combine(dir, $"b{l + 1}.npy"), network.Biases(l).ToArray().Select(v => (double)v).ToArray(), layout.OutputsOf(l));
        }

        var ours = new double[Steps];
        using (var trainer = new Trainer(network, data, options))
        {
            for (int step = 0; step < Steps; step++) ours[step] = trainer.TrainEpoch(step + 1).MeanCost; // one full-batch step an epoch
        }

        RunTorch(dir);
        double[] theirs = NpyFile.Read<double>(Path.Combine(dir, "torch_costs.npy")).Data;
        double worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(b), 1e-12)).Max();
        int outside = 0;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            outside += Outside(network.Weights(l).ToArray(), NpyFile.Read<double>(Path.Combine(dir, $"torch_W{l + 1}.npy")).Data);
            outside += Outside(network.Biases(l).ToArray(), NpyFile.Read<double>(Path.Combine(dir, $"torch_b{l + 1}.npy")).Data);
        }

        int count = layout.ParameterCount;
        return new Result(worst <= 1e-5, worst, outside <= count / 1000, outside, count, ours, theirs);
    }

    // Parameters further than 1e-4 of the tensor's largest magnitude from torch's.
    private static int Outside(float[] ours, double[] torch)
    {
        Assert.Equal(torch.Length, ours.Length);
        double scale = torch.Max(Math.Abs);
        return ours.Where((v, i) => Math.Abs(v - torch[i]) > 1e-4 * scale).Count();
    }

    private static void RunTorch(string dir)
    {
        string script = Path.Combine(Snippet.Root(), "tests", "Backprop.Simd.Tests", "Optimizers", "torch_optim_reference.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("/usr/bin/python3 did not start.");
        Task<string> errors = python.StandardError.ReadToEndAsync();
        Task<string> output = python.StandardOutput.ReadToEndAsync();
        if (!python.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            python.Kill(entireProcessTree: true);
            Assert.Fail("the PyTorch reference did not finish in 3 minutes");
        }

        Assert.True(python.ExitCode == 0, $"the PyTorch reference failed (exit {python.ExitCode}; CI installs python3-torch): {errors.Result} {output.Result}");
    }
}
