using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary>
/// <c>backprop train</c>: mini-batch gradient descent on MNIST-format data (the lecture's defaults) or
/// on a user's CSV or .npy data (defaults picked for the task), selecting the best validation epoch,
/// saving the model whenever it improves and evaluating the test set once at the end.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        Option<string?> layers = new("--layers") { Description = "All layer sizes, inputs first (default 784,30,10 for MNIST; checked against the data)" };
        Option<string?> hidden = new("--hidden") { Description = "Hidden layer sizes, e.g. 32,16: inputs and outputs come from the data (default for CSV/.npy: 100)" };
        Option<string?> activation = new("--activation") { Description = "sigmoid | tanh | relu | identity (default: sigmoid for MNIST, relu otherwise)" };
        Option<string?> outputActivation = new("--output-activation") { Description = "Activation of the output layer (default: --activation for MNIST; softmax for classes, identity for regression)" };
        Option<string?> cost = new("--cost") { Description = "quadratic | cross-entropy | log-likelihood (default: quadratic for MNIST and regression, log-likelihood for classes)" };
        Option<int?> epochs = new("--epochs") { Description = "Passes over the training set (default 30 for MNIST, 200 otherwise)" };
        Option<int?> batch = new("--batch") { Description = "Mini-batch size m (default 10 for MNIST, 32 otherwise)" };
        Option<double?> eta = new("--eta") { Description = "Learning rate (default 3.0 for MNIST, 0.02 otherwise)" };
        Option<double> lambda = new("--lambda") { Description = "L2 weight decay (network2.py's lambda)", DefaultValueFactory = _ => 0.0 };
        Option<double?> momentum = new("--momentum") { Description = "Momentum coefficient in [0, 1) (default 0 for MNIST, 0.9 otherwise)" };
        Option<string?> optimizer = new("--optimizer") { Description = "sgd (the lecture's) | momentum | nesterov | adam | adamw (default: sgd; momentum for CSV/.npy)" };
        Option<double> beta1 = new("--beta1") { Description = "Adam's first-moment decay", DefaultValueFactory = _ => 0.9 };
        Option<double> beta2 = new("--beta2") { Description = "Adam's second-moment decay", DefaultValueFactory = _ => 0.999 };
        Option<double> adamEpsilon = new("--adam-epsilon") { Description = "Adam's epsilon", DefaultValueFactory = _ => 1e-8 };
        Option<double> weightDecay = new("--weight-decay") { Description = "Adam's L2 term, or AdamW's decoupled decay (weights only)", DefaultValueFactory = _ => 0.0 };
        Option<string> schedule = new("--schedule") { Description = "constant | step | exponential | cosine: eta by optimizer step", DefaultValueFactory = _ => "constant" };
        Option<int> stepSize = new("--step-size") { Description = "step schedule: steps between decays", DefaultValueFactory = _ => 1000 };
        Option<double> gamma = new("--gamma") { Description = "step and exponential schedules: the decay factor", DefaultValueFactory = _ => 0.1 };
        Option<int> cosineSteps = new("--cosine-steps") { Description = "cosine schedule: steps of the half period (default: the whole run)", DefaultValueFactory = _ => 0 };
        Option<double> minEta = new("--min-eta") { Description = "cosine schedule: the floor", DefaultValueFactory = _ => 0.0 };
        Option<int> warmup = new("--warmup") { Description = "Linear warm-up over the first N steps", DefaultValueFactory = _ => 0 };
        Option<double?> clipNorm = new("--clip-norm") { Description = "Clip the global L2 norm of each mini-batch's mean gradient" };
        Option<ulong> seed = CommonOptions.Seed();
        Option<int> threads = new("--threads") { Description = "Most worker threads over each mini-batch (each gets at least 32 samples)", DefaultValueFactory = _ => 1 };
        Option<string?> init = new("--init") { Description = "scaled (N(0,1/n_in)) | nielsen (N(0,1)) | xavier | he (default: scaled for MNIST, he otherwise)" };
        Option<bool> noDivergenceCheck = new("--no-divergence-check") { Description = "Do not stop a run whose cost grows a millionfold or whose parameters pass 1e6 (NaN and infinity still stop it); kept in checkpoints" };
        Option<int?> earlyStopping = new("--early-stopping") { Description = "Stop after N epochs without a better validation result (default for CSV/.npy: 20; 0 turns it off)" };
        Option<double?> testFraction = new("--test-fraction") { Description = "CSV/.npy without --test: share held out for the test (default 0.2, seeded, stratified for classes)" };
        Option<double?> validationFraction = new("--validation-fraction") { Description = "Share of the training split for model selection (default 0.1 for CSV/.npy and with --early-stopping, else 0)" };
        Option<bool?> standardize = new("--standardize") { Description = "Standardise inputs (and regression targets) with the training split's mean and deviation; kept in the model (default: true for CSV/.npy, false for MNIST)" };
        Option<string> output = new("--out") { Description = "Model file to write", DefaultValueFactory = _ => "model.bpsimd" };
        Option<string?> plot = new("--plot") { Description = "Draw the training curves to a .png or .svg file" };
        Option<bool> json = CommonOptions.Json();
        Option<string?> resume = new("--resume") { Description = "Continue a run stopped with Ctrl+C from its checkpoint file (other options are taken from it)" };
        Option<bool> force = new("--force") { Description = "Overwrite an --out that is not a model file, and resume a checkpoint whose model file was written after it" };

        var command = new Command("train", "Train a network by mini-batch gradient descent (defaults: the lecture's 784-30-10 sigmoid network on the embedded digits)")
        {
            layers, hidden, activation, outputActivation, cost, epochs, batch, eta, lambda, momentum,
            optimizer, beta1, beta2, adamEpsilon, weightDecay, schedule, stepSize, gamma, cosineSteps, minEta, warmup, clipNorm,
            seed, threads, init, earlyStopping, noDivergenceCheck,
            testFraction, validationFraction, standardize, output, plot, json, resume, force,
        };
        data.AddTo(command);
        command.SetAction(result =>
        {
            if (result.GetValue(resume) is string checkpointPath)
            {
                return Resume(checkpointPath, result.GetValue(json), result.GetValue(force), stdout, stderr);
            }

            DataOptions.Settings settings = data.Read(result);
            var splitting = new TrainingData.Splitting(result.GetValue(testFraction), result.GetValue(validationFraction), result.GetValue(standardize),
                result.GetValue(earlyStopping) is > 0, result.GetValue(seed));
            string? plotPath = result.GetValue(plot);
            if (plotPath is not null && !TrainingPlot.IsSupported(plotPath))
            {
                throw new UsageException($"--plot: '{plotPath}' must end in .png or .svg.");
            }

            if (result.GetValue(layers) is not null && result.GetValue(hidden) is not null)
            {
                throw new UsageException("--hidden: give either --layers (every size) or --hidden (the hidden sizes), not both.");
            }

            // Before the data is read and long before the first epoch: a run must not train for an output it cannot write.
            using OutputClaim claim = OutputClaim.Take(result.GetValue(output)!, plotPath, Inputs(settings), result.GetValue(force));

            // An image folder's network input is known before its data: --layers, or the lecture's 784.
            int? imageInputs = settings.IsTabular ? null
                : result.GetValue(layers) is string given ? CommonOptions.ParseLayers(given, "--layers")[0]
                : result.GetValue(hidden) is null ? 784 : null;
            TrainingData sets = TrainingData.Load(settings, splitting, imageInputs);
            Dataset train = sets.Train;
            bool tabular = settings.IsTabular;
            bool classes = train.Task == LearningTask.Classification;
            var picked = new List<string>();
            T Pick<T>(T? given, T lecture, T tabularDefault, string what)
                where T : struct
            {
                if (given is T value) return value;
                T chosen = tabular ? tabularDefault : lecture;
                if (tabular) picked.Add($"{what} {chosen}");
                return chosen;
            }

            string PickText(string? given, string lecture, string tabularDefault, string what)
            {
                if (given is not null) return given;
                string chosen = tabular ? tabularDefault : lecture;
                if (tabular) picked.Add($"{what} {chosen}");
                return chosen;
            }

            Activation hiddenActivation = CommonOptions.ParseActivation(PickText(result.GetValue(activation), "sigmoid", "relu", "activation"), "--activation");
            string? outputName = result.GetValue(outputActivation);
            Activation last = outputName is not null ? CommonOptions.ParseActivation(outputName, "--output-activation")
                : !tabular ? hiddenActivation
                : classes ? Activation.Softmax : Activation.Identity;
            if (tabular && outputName is null) picked.Add($"output {last.ToString().ToLowerInvariant()}");
            string costName = PickText(result.GetValue(cost), "quadratic", classes ? "log-likelihood" : "quadratic", "cost");
            int[] sizes = Sizes(result.GetValue(layers), result.GetValue(hidden), train, tabular, picked);
            NetworkLayout layout = CommonOptions.Layout(sizes, hiddenActivation, last);
            Optimizer rule = CommonOptions.ParseOptimizer(result.GetValue(optimizer) ?? "sgd");
            bool adamFamily = rule is Optimizer.Adam or Optimizer.AdamW;
            var options = new TrainingOptions
            {
                Epochs = Pick(result.GetValue(epochs), 30, 200, "epochs"),
                BatchSize = Pick(result.GetValue(batch), 10, 32, "batch"),
                Eta = result.GetValue(eta) ?? (adamFamily ? 1e-3 : Pick(null, 3.0, 0.02, "eta")),
                Lambda = result.GetValue(lambda),
                Momentum = result.GetValue(momentum) ?? (adamFamily ? 0 : rule is Optimizer.Momentum or Optimizer.Nesterov && !tabular ? 0.9 : result.GetValue(optimizer) is "sgd" ? 0 : Pick(null, 0.0, 0.9, "momentum")),
                Optimizer = rule,
                Beta1 = result.GetValue(beta1),
                Beta2 = result.GetValue(beta2),
                AdamEpsilon = result.GetValue(adamEpsilon),
                WeightDecay = result.GetValue(weightDecay),
                Schedule = CommonOptions.ParseSchedule(result.GetValue(schedule)!),
                StepSize = result.GetValue(stepSize),
                Gamma = result.GetValue(gamma),
                CosineSteps = result.GetValue(cosineSteps),
                MinEta = result.GetValue(minEta),
                WarmupSteps = result.GetValue(warmup),
                ClipNorm = result.GetValue(clipNorm),
                Cost = CommonOptions.ParseCost(costName),
                Seed = result.GetValue(seed),
                Threads = result.GetValue(threads),
                EarlyStoppingPatience = Patience(result.GetValue(earlyStopping), tabular && sets.Validation is not null, picked),
            };
            if (result.GetValue(noDivergenceCheck))
            {
                // Infinity is each check's own "off" (TrainingOptions); a non-finite cost or parameter still stops the run.
                options = options with { CostGrowthLimit = double.PositiveInfinity, ParameterLimit = double.PositiveInfinity };
            }

            try
            {
                options.Validate();
                Costs.RequireCompatible(options.Cost, layout.OutputActivation);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(OptionName(e) + e.Message.Split(" (Parameter")[0]);
            }

            try
            {
                // Before the network is allocated and trained: a layout the model file cannot hold, or
                // one that cannot train in this memory, fails now, not after the last epoch.
                ModelFile.RequireStorable(layout);
                Trainer.RequireMemory(layout, options, train.Count);
            }
            catch (ArgumentException e)
            {
                throw new UsageException((result.GetValue(layers) is null ? "--hidden: " : "--layers: ") + e.Message.Split(" (Parameter")[0]);
            }

            Initialization initialization = CommonOptions.ParseInit(PickText(result.GetValue(init), "scaled", "he", "init"));
            CommonOptions.RequireFits(layout, train, sets.Source);
            var metadata = new CheckpointMetadata(settings, splitting, Path.GetFullPath(result.GetValue(output)!), plotPath);
            string note = string.Join("; ", new[] { sets.TaskNote, picked.Count == 0 ? "" : "picked " + string.Join(", ", picked) }.Where(s => s.Length > 0));
            var run = new Run(layout, options, sets, metadata, note, result.GetValue(json), stdout, stderr);
            return run.Execute(Network<float>.Create(layout, initialization, options.Seed), null, null);
        });
        return command;
    }

    // --early-stopping N; 0 is none; without it, 20 for CSV/.npy data with a validation set (Keras-style patience).
    private static int? Patience(int? given, bool tabularWithValidation, List<string> picked)
    {
        if (given is int n) return n == 0 ? null : n;
        if (!tabularWithValidation) return null;
        picked.Add("early-stopping 20");
        return 20;
    }

    // --layers as given (checked later against the data), else inputs, --hidden, outputs from the data.
    private static int[] Sizes(string? layers, string? hidden, Dataset train, bool tabular, List<string> picked)
    {
        if (layers is not null) return CommonOptions.ParseLayers(layers, "--layers");
        if (hidden is null && !tabular) return [784, 30, 10];
        if (hidden is null) picked.Add("hidden 100");
        int[] middle = hidden is null ? [100] : CommonOptions.ParseLayers(hidden, "--hidden", minimum: 1);
        return [train.InputSize, .. middle, train.TargetSize];
    }

    /// <summary>Exit code of a run stopped with Ctrl+C after saving its checkpoint (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    private static IEnumerable<(string Option, string? Path)> Inputs(DataOptions.Settings settings) =>
        [("--data", settings.Data), ("--targets", settings.Targets), ("--test", settings.Test), ("--test-targets", settings.TestTargets)];

    private static int Resume(string checkpointPath, bool json, bool force, TextWriter stdout, TextWriter stderr)
    {
        (SavedModel model, TrainingCheckpoint state, string metadata) = CheckpointFile.Load(checkpointPath);
        CheckpointMetadata saved = CheckpointMetadata.Parse(metadata, checkpointPath);
        using OutputClaim claim = OutputClaim.Take(saved.Model, saved.Plot, [.. Inputs(saved.Data), ("--resume", checkpointPath)], force);
        if (!force && ModelDigest.Stale(saved, checkpointPath) is string why)
        {
            throw new UsageException($"--resume: {checkpointPath} is older than the model it would overwrite: {why}. Resuming would put the older run back; --force resumes anyway.");
        }

        TrainingData sets = TrainingData.Load(saved.Data, saved.Splitting, saved.Data.IsTabular ? null : model.Network.Layout.InputSize);
        CommonOptions.RequireFits(model.Network.Layout, sets.Train, sets.Source);
        var run = new Run(model.Network.Layout, state.Options, sets, saved, "", json, stdout, stderr);
        return run.Execute(model.Network, state, checkpointPath);
    }

    private static string OptionName(ArgumentException e) => e.ParamName switch
    {
        nameof(TrainingOptions.Epochs) => "--epochs: ",
        nameof(TrainingOptions.BatchSize) => "--batch: ",
        nameof(TrainingOptions.Eta) => "--eta: ",
        nameof(TrainingOptions.Lambda) => "--lambda: ",
        nameof(TrainingOptions.Momentum) => "--momentum: ",
        nameof(TrainingOptions.Threads) => "--threads: ",
        nameof(TrainingOptions.EarlyStoppingPatience) => "--early-stopping: ",
        nameof(TrainingOptions.Beta1) => "--beta1: ",
        nameof(TrainingOptions.Beta2) => "--beta2: ",
        nameof(TrainingOptions.AdamEpsilon) => "--adam-epsilon: ",
        nameof(TrainingOptions.WeightDecay) => "--weight-decay: ",
        nameof(TrainingOptions.StepSize) => "--step-size: ",
        nameof(TrainingOptions.Gamma) => "--gamma: ",
        nameof(TrainingOptions.CosineSteps) => "--cosine-steps: ",
        nameof(TrainingOptions.MinEta) => "--min-eta: ",
        nameof(TrainingOptions.WarmupSteps) => "--warmup: ",
        nameof(TrainingOptions.ClipNorm) => "--clip-norm: ",
        "cost" => "--cost: ",
        _ => "",
    };

    private sealed class Run(NetworkLayout layout, TrainingOptions options, TrainingData sets, CheckpointMetadata metadata,
        string note, bool json, TextWriter stdout, TextWriter stderr) : IProgress<EpochReport>
    {
        private readonly List<EpochReport> _reports = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly string _modelPath = metadata.Model;
        private string? _resumedFrom;
        private Network<float>? _network;
        private IAnsiConsole? _console;
        private ProgressContext? _context;
        private ProgressTask? _task;
        private int _taskEpoch;
        private long _lastUpdate;
        private int _reported;
        private int _savedEpoch;
        private long _lastSave, _saveTicks;
        private TimeSpan _reportingJit;
        private readonly int _runCollections = GC.CollectionCount(0);  // at the start of training, for the whole run's count

        private Dataset TrainSet => sets.Train;

        public int Execute(Network<float> network, TrainingCheckpoint? checkpoint, string? resumedFrom)
        {
            _resumedFrom = resumedFrom;
            _network = network;
            using var trainer = checkpoint is null ? new Trainer(network, TrainSet, options) : Trainer.Resume(network, TrainSet, checkpoint);
            _savedEpoch = checkpoint?.BestEpoch ?? 0;
            // Ctrl+C: finish the current mini-batch, save a checkpoint, exit.
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                _stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return Train(trainer);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                _stop.Dispose();
            }
        }

        private SavedModel Model(Network<float> network) => new(network, options.Cost) { Schema = TrainSet.Schema };

        private int Train(Trainer trainer)
        {
            _console = json ? null : CliConsole.Create(stdout);
            string validation = sets.Validation is null ? "no validation" : $"{sets.Validation.Count:N0} validation";
            _console?.MarkupLineInterpolated($"Training [bold]{layout}[/] on {sets.Source}: {TrainSet.Count:N0} train, {validation}, {sets.Test.Count:N0} test samples, {options.Epochs} epochs, batch {options.BatchSize}, eta {options.Eta}, {trainer.Threads} thread(s)");
            if (note.Length > 0) _console?.MarkupLineInterpolated($"[grey]{note}[/]");
            if (trainer.Threads < options.Threads)
            {
                string why = $"--threads {options.Threads}: training runs {trainer.Threads} thread(s), because each worker gets at least {Trainer.MinSamplesPerWorker} samples of a mini-batch and the batch is {options.BatchSize} (use --batch {options.Threads * Trainer.MinSamplesPerWorker} or more for {options.Threads} threads)";
                if (_console is null) stderr.WriteLine("backprop train: " + why);
                else _console.MarkupLineInterpolated($"[yellow]{why}[/]");
            }
            FitResult fit;
            long start = Stopwatch.GetTimestamp();
            TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime();
            try
            {
                if (_console is null || !_console.Profile.Capabilities.Interactive)
                {
                    fit = trainer.Fit(sets.Validation, this, _stop.Token);
                }
                else
                {
                    FitResult? inside = null;
                    _console.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SamplesPerSecondColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                        .Start(context =>
                        {
                            _context = context;
                            inside = trainer.Fit(sets.Validation, this, _stop.Token, OnBatch);
                        });
                    fit = inside!;
                }
            }
            catch (TrainingDivergedException e)
            {
                string kept = _savedEpoch > 0 ? $"The model of epoch {_savedEpoch} is kept in {_modelPath}." : $"No model was written to {_modelPath}.";
                stderr.WriteLine($"backprop train: {e.Message} {kept}");
                return BackpropCli.Failure;
            }

            double wallSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds, trainingSeconds = fit.Seconds;
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit - _reportingJit; // the JIT inside Fit, not in the reports' printing
            int trainingCollections = fit.EpochCollections;
            if (fit.Stopped)
            {
                string checkpointPath = OutputClaim.CheckpointPath(_modelPath);
                TrainingCheckpoint state = fit.Checkpoint!;
                // The model file as it is now: a later resume refuses to run over a file that has changed since.
                CheckpointMetadata stamped = metadata with { ModelDigest = ModelDigest.Of(_modelPath) };
                CheckpointFile.Save(checkpointPath, Model(trainer.Network), state, System.Text.Json.JsonSerializer.Serialize(stamped));
                stderr.WriteLine($"backprop train: stopped in epoch {state.Epoch} before mini-batch {state.NextBatch + 1}; checkpoint saved to {Path.GetFullPath(checkpointPath)}. Continue with: backprop train --resume {checkpointPath}");
                return Interrupted;
            }

            // The network now holds the selected epoch's parameters (the initialised ones after --epochs 0);
            // the file holds them too unless the last save came later.
            if (_reports.Count == 0 || _savedEpoch != fit.BestEpoch) ModelFile.Save(_modelPath, Model(trainer.Network));
            RetireCheckpoints();
            Evaluation test = Evaluator.Evaluate(trainer.Network, sets.Test, options.Cost);
            double[] seconds = _reports.Select(r => r.Seconds).Order().ToArray();
            double median = seconds.Length == 0 ? 0 : seconds.Length % 2 == 1 ? seconds[seconds.Length / 2] : (seconds[seconds.Length / 2 - 1] + seconds[seconds.Length / 2]) / 2;
            if (metadata.Plot is not null) TrainingPlot.Save(metadata.Plot, _reports, $"{layout}, {sets.Source}");
            // Epochs of this run and of the runs it resumed: the last epoch's number, not the count of this run's reports.
            int epochsRun = _reports.Count == 0 ? 0 : _reports[^1].Epoch;
            if (_console is null)
            {
                var final = new Dictionary<string, object?> { ["task"] = TrainingData.Name(TrainSet.Task) };
                Metrics.AddJson(final, "test_", test);
                if (fit.BestValidation is not null) Metrics.AddJson(final, "validation_", fit.BestValidation);
                foreach ((string key, object? value) in new Dictionary<string, object?>
                {
                    ["best_epoch"] = fit.BestEpoch,
                    ["stopped_early"] = fit.StoppedEarly,
                    ["epochs"] = epochsRun,
                    ["training_seconds"] = trainingSeconds,
                    ["training_wall_seconds"] = wallSeconds,
                    ["jit_seconds_training"] = jit.TotalSeconds,
                    ["seconds_per_epoch"] = median,
                    ["samples_per_second"] = median > 0 ? TrainSet.Count / median : 0,
                    ["optimizer"] = options.EffectiveOptimizer.ToString().ToLowerInvariant(),
                    ["schedule"] = options.Schedule.ToString().ToLowerInvariant(),
                    ["threads"] = trainer.Threads,
                    ["threads_requested"] = options.Threads,
                    ["gen0_collections_training"] = trainingCollections,
                    ["gen0_collections"] = GC.CollectionCount(0) - _runCollections,
                    ["seed"] = options.Seed,
                    ["model"] = _modelPath,
                    ["layers"] = layout.Sizes.ToArray(),
                    ["activations"] = layout.ActivationFunctions.ToArray().Select(a => a.ToString().ToLowerInvariant()).ToArray(),
                    ["cost"] = CommonOptions.Name(options.Cost),
                    ["batch"] = options.BatchSize,
                    ["eta"] = options.Eta,
                    ["lambda"] = options.Lambda,
                    ["momentum"] = options.Momentum,
                    ["standardized"] = TrainSet.Schema.Inputs is not null,
                    ["train_samples"] = TrainSet.Count,
                    ["validation_samples"] = sets.Validation?.Count ?? 0,
                    ["test_samples"] = sets.Test.Count,
                    ["data"] = sets.Source,
                    ["test_data"] = sets.TestSource,
                    ["plot"] = metadata.Plot is null ? null : Path.GetFullPath(metadata.Plot),
                    ["picked"] = note.Length == 0 ? null : note,
                })
                {
                    final[key] = value;
                }

                JsonLine.Write(stdout, final);
                return BackpropCli.Success;
            }

            var table = new Table().Title("Epochs").AddColumns("epoch", "train cost");
            if (sets.Validation is not null) table.AddColumns(TrainSet.Task == LearningTask.Classification ? "validation accuracy" : "validation R²", "validation cost", "best");
            table.AddColumns("seconds", "samples/s");
            // Long runs (200 epochs of a small CSV) show the first epochs, every k-th, the kept one and the last.
            int stride = Math.Max(1, _reports.Count / 15);
            var shown = _reports.Where((r, i) => _reports.Count <= 25 || i < 5 || i % stride == 0 || r.Epoch == fit.BestEpoch || i == _reports.Count - 1).ToList();
            if (shown.Count < _reports.Count) table.Caption($"{shown.Count} of {_reports.Count} epochs shown (--json prints every one)");
            foreach (EpochReport r in shown)
            {
                var row = new List<string> { $"{r.Epoch}", $"{r.TrainCost:F4}" };
                if (r.Validation is { } v) row.AddRange([Metrics.Headline(v), $"{v.MeanCost:F4}", r.Epoch == fit.BestEpoch ? "kept" : r.IsBest ? "*" : ""]);
                row.AddRange([$"{r.Seconds:F3}", $"{r.SamplesPerSecond:N0}"]);
                table.AddRow(row.ToArray());
            }

            // Redirected output already has a line per epoch (Show); the table is for the terminal, where the progress bars were.
            if (_context is not null) _console.Write(table);
            else if (shown.Count < _reports.Count) _console.MarkupLine("[grey](--json prints every epoch)[/]");
            string selected = sets.Validation is null ? "" : $"; kept epoch {fit.BestEpoch} (best on validation{(fit.StoppedEarly ? ", stopped early" : "")})";
            _console.MarkupLineInterpolated($"Test {Metrics.HeadlineName(test)} [bold green]{Metrics.Headline(test)}[/] after {epochsRun} epochs{selected}; median {median:F3} s/epoch ({(median > 0 ? TrainSet.Count / median : 0):N0} samples/s). Model: {_modelPath}");
            Metrics.Write(_console, test, TrainSet.Schema, "Test");
            if (metadata.Plot is not null) _console.MarkupLineInterpolated($"Plot: {Path.GetFullPath(metadata.Plot)}");
            return BackpropCli.Success;
        }

        // The run is complete and its model saved: a checkpoint of it (the one resumed from, or one left by an
        // earlier stopped run to this --out) would only put older work back, so it goes.
        private void RetireCheckpoints()
        {
            foreach (string? path in new[] { _resumedFrom, OutputClaim.CheckpointPath(_modelPath) })
            {
                if (path is null || !File.Exists(path)) continue;
                File.Delete(path);
                stderr.WriteLine($"backprop train: the run is complete; retired its checkpoint {path}.");
            }
        }

        private void OnBatch(int epoch, int done)
        {
            if (_context is null) return;
            if (_task is null || _taskEpoch != epoch)
            {
                _task = _context.AddTask($"epoch {epoch}/{options.Epochs}", maxValue: TrainSet.Count);
                (_taskEpoch, _reported, _lastUpdate) = (epoch, 0, 0);
            }

            // Redraw at most every 50 ms: the progress bar must not slow the steps down.
            long now = Stopwatch.GetTimestamp();
            if (now - _lastUpdate < Stopwatch.Frequency / 20 && done < TrainSet.Count) return;
            _lastUpdate = now;
            _task.Increment(done - _reported);
            _reported = done;
        }

        // Called by Fit on the training thread after each epoch, while the network holds that epoch's parameters.
        public void Report(EpochReport report)
        {
            TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime();
            try
            {
                Show(report);
            }
            finally
            {
                _reportingJit += System.Runtime.JitInfo.GetCompilationTime() - jit;
            }
        }

        private void Show(EpochReport report)
        {
            _reports.Add(report);
            if (report.IsBest)
            {
                // Save the best model so far, the first time at once, then when at least ten times the last save's
                // duration has passed: a save is fsynced, and many short epochs (a small CSV) must not spend most
                // of their time saving. A crash loses at most that much progress; Train() saves the kept epoch at the end.
                long now = Stopwatch.GetTimestamp();
                if (_savedEpoch == 0 || now - _lastSave >= 10 * _saveTicks)
                {
                    ModelFile.Save(_modelPath, Model(_network!));
                    _lastSave = Stopwatch.GetTimestamp();
                    (_savedEpoch, _saveTicks) = (report.Epoch, _lastSave - now);
                }
            }

            string validation = report.Validation is { } v ? $", validation {Metrics.HeadlineName(v)} {Metrics.Headline(v)}{(report.IsBest ? " (best)" : "")}" : "";
            if (_task is not null && _taskEpoch == report.Epoch) _task.Description = $"epoch {report.Epoch}/{options.Epochs}: train cost {report.TrainCost:F4}{validation}";
            bool worthALine = options.Epochs <= 25 || report.Epoch <= 5 || report.Epoch % Math.Max(1, options.Epochs / 15) == 0 || report.Epoch == options.Epochs;
            if (_console is not null && _context is null)
            {
                if (!worthALine) return;
                _console.MarkupLineInterpolated($"epoch {report.Epoch}/{options.Epochs}: train cost {report.TrainCost:F4}{validation}, {report.Seconds:F3} s ({report.SamplesPerSecond:N0} samples/s)");
            }
            else if (_console is null)
            {
                var line = new Dictionary<string, object?> { ["epoch"] = report.Epoch, ["train_cost"] = report.TrainCost };
                if (report.Validation is not null)
                {
                    Metrics.AddJson(line, "validation_", report.Validation);
                    line["best"] = report.IsBest;
                }

                line["seconds"] = report.Seconds;
                line["samples_per_second"] = report.SamplesPerSecond;
                JsonLine.Write(stdout, line);
            }
        }
    }
}
