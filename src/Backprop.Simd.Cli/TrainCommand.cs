using System.CommandLine;
using System.Diagnostics;
using Backprop.Simd.Data;
using Backprop.Simd.IO;
using Backprop.Simd.Kernels;
using Backprop.Simd.Learning;
using Backprop.Simd.Model;
using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary><c>backprop train</c>: mini-batch SGD on an MNIST-format data set, saving the model after every good epoch.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        Option<string?> data = CommonOptions.Data();
        Option<string> layers = new("--layers") { Description = "Layer sizes, inputs first", DefaultValueFactory = _ => "784,30,10" };
        Option<string> activation = new("--activation") { Description = "sigmoid | tanh | relu | identity", DefaultValueFactory = _ => "sigmoid" };
        Option<string?> outputActivation = new("--output-activation") { Description = "Activation of the output layer (default: --activation); softmax allowed" };
        Option<string> cost = new("--cost") { Description = "quadratic | cross-entropy | log-likelihood", DefaultValueFactory = _ => "quadratic" };
        Option<int> epochs = new("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 30 };
        Option<int> batch = new("--batch") { Description = "Mini-batch size m", DefaultValueFactory = _ => 10 };
        Option<double> eta = new("--eta") { Description = "Learning rate", DefaultValueFactory = _ => 3.0 };
        Option<double> lambda = new("--lambda") { Description = "L2 weight decay (network2.py's lambda)", DefaultValueFactory = _ => 0.0 };
        Option<double> momentum = new("--momentum") { Description = "Momentum coefficient in [0, 1)", DefaultValueFactory = _ => 0.0 };
        Option<ulong> seed = CommonOptions.Seed();
        Option<int> threads = new("--threads") { Description = "Most worker threads over each mini-batch (each gets at least 32 samples)", DefaultValueFactory = _ => 1 };
        Option<string> init = new("--init") { Description = "scaled (N(0,1/n_in)) | nielsen (N(0,1)) | xavier | he", DefaultValueFactory = _ => "scaled" };
        Option<int?> earlyStopping = new("--early-stopping") { Description = "Stop after N epochs without a better test accuracy" };
        Option<string> output = new("--out") { Description = "Model file to write", DefaultValueFactory = _ => "model.bpsimd" };
        Option<string?> plot = new("--plot") { Description = "Draw the training curves to a .png or .svg file" };
        Option<bool> json = CommonOptions.Json();
        Option<string?> resume = new("--resume") { Description = "Continue a run stopped with Ctrl+C from its checkpoint file (other options are taken from it)" };

        var command = new Command("train", "Train a network by mini-batch gradient descent (defaults: the lecture's 784-30-10 sigmoid network on the embedded digits)")
        {
            data, layers, activation, outputActivation, cost, epochs, batch, eta, lambda, momentum, seed, threads, init, earlyStopping, output, plot, json, resume,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(resume) is string checkpointPath)
            {
                return Resume(checkpointPath, result.GetValue(json), stdout, stderr);
            }

            Activation hidden = CommonOptions.ParseActivation(result.GetValue(activation)!, "--activation");
            string? outputName = result.GetValue(outputActivation);
            Activation last = outputName is null ? hidden : CommonOptions.ParseActivation(outputName, "--output-activation");
            NetworkLayout layout = CommonOptions.Layout(CommonOptions.ParseLayers(result.GetValue(layers)!), hidden, last);
            var options = new TrainingOptions
            {
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batch),
                Eta = result.GetValue(eta),
                Lambda = result.GetValue(lambda),
                Momentum = result.GetValue(momentum),
                Cost = CommonOptions.ParseCost(result.GetValue(cost)!),
                Seed = result.GetValue(seed),
                Threads = result.GetValue(threads),
                EarlyStoppingPatience = result.GetValue(earlyStopping),
            };
            try
            {
                options.Validate();
                Costs.RequireCompatible(options.Cost, layout.OutputActivation);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(OptionName(e) + e.Message.Split(" (Parameter")[0]);
            }

            Initialization initialization = CommonOptions.ParseInit(result.GetValue(init)!);
            string? plotPath = result.GetValue(plot);
            if (plotPath is not null && !TrainingPlot.IsSupported(plotPath))
            {
                throw new UsageException($"--plot: '{plotPath}' must end in .png or .svg.");
            }

            DataSplit split = CommonOptions.LoadData(result.GetValue(data));
            CommonOptions.RequireFits(layout, split.Train, split.Source);
            var run = new Run(layout, options, split, result.GetValue(data), result.GetValue(output)!, plotPath, result.GetValue(json), stdout, stderr);
            return run.Execute(Network<float>.Create(layout, initialization, options.Seed), null);
        });
        return command;
    }

    /// <summary>Exit code of a run stopped with Ctrl+C after saving its checkpoint (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    private static int Resume(string checkpointPath, bool json, TextWriter stdout, TextWriter stderr)
    {
        (SavedModel model, TrainingCheckpoint state, string metadata) = CheckpointFile.Load(checkpointPath);
        var saved = System.Text.Json.JsonSerializer.Deserialize<CheckpointMetadata>(metadata)
            ?? throw new InvalidDataException($"{checkpointPath}: the checkpoint's metadata is empty.");
        DataSplit split = CommonOptions.LoadData(saved.Data);
        CommonOptions.RequireFits(model.Network.Layout, split.Train, split.Source);
        var run = new Run(model.Network.Layout, state.Options, split, saved.Data, saved.Model, saved.Plot, json, stdout, stderr);
        return run.Execute(model.Network, state);
    }

    /// <summary>What a checkpoint remembers of the command line.</summary>
    private sealed record CheckpointMetadata(string? Data, string Model, string? Plot);

    private static string OptionName(ArgumentException e) => e.ParamName switch
    {
        nameof(TrainingOptions.Epochs) => "--epochs: ",
        nameof(TrainingOptions.BatchSize) => "--batch: ",
        nameof(TrainingOptions.Eta) => "--eta: ",
        nameof(TrainingOptions.Lambda) => "--lambda: ",
        nameof(TrainingOptions.Momentum) => "--momentum: ",
        nameof(TrainingOptions.Threads) => "--threads: ",
        nameof(TrainingOptions.EarlyStoppingPatience) => "--early-stopping: ",
        "cost" => "--cost: ",
        _ => "",
    };

    private sealed class Run(NetworkLayout layout, TrainingOptions options, DataSplit split, string? dataFolder,
        string modelPath, string? plotPath, bool json, TextWriter stdout, TextWriter stderr)
    {
        private readonly List<EpochReport> _reports = [];
        private readonly CancellationTokenSource _stop = new();
        private int _firstEpoch = 1;
        private int _trainingCollections;                               // gen0 collections inside the epochs' steps
        private readonly int _runCollections = GC.CollectionCount(0);  // at the start of training, for the whole run's count

        public int Execute(Network<float> network, TrainingCheckpoint? checkpoint)
        {
            using var trainer = checkpoint is null ? new Trainer(network, split.Train, options) : Trainer.Resume(network, split.Train, checkpoint);
            _firstEpoch = checkpoint?.Epoch ?? 1;
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

        private int Train(Trainer trainer)
        {
            IAnsiConsole? console = json ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            console?.MarkupLineInterpolated($"Training [bold]{layout}[/] on {split.Source}: {split.Train.Count:N0} train, {split.Test.Count:N0} test samples, {options.Epochs} epochs, batch {options.BatchSize}, eta {options.Eta}, {trainer.Threads} thread(s)");
            try
            {
                if (console is null || !console.Profile.Capabilities.Interactive)
                {
                    TrainAll(trainer, null, console);
                }
                else
                {
                    console.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SamplesPerSecondColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                        .Start(context => TrainAll(trainer, context, console));
                }
            }
            catch (OperationCanceledException)
            {
                string checkpointPath = modelPath + ".checkpoint";
                TrainingCheckpoint state = trainer.Checkpoint();
                string metadata = System.Text.Json.JsonSerializer.Serialize(new CheckpointMetadata(dataFolder, Path.GetFullPath(modelPath), plotPath));
                CheckpointFile.Save(checkpointPath, new SavedModel(trainer.Network, options.Cost), state, metadata);
                stderr.WriteLine($"backprop train: stopped in epoch {state.Epoch} before mini-batch {state.NextBatch + 1}; checkpoint saved to {Path.GetFullPath(checkpointPath)}. Continue with: backprop train --resume {checkpointPath}");
                return Interrupted;
            }
            catch (TrainingDivergedException e)
            {
                string kept = _reports.Count > 0 ? $"The model of epoch {_reports[^1].Epoch} is kept in {modelPath}." : $"No model was written to {modelPath}.";
                stderr.WriteLine($"backprop train: {e.Message} {kept}");
                return 1;
            }

            double[] seconds = _reports.Select(r => r.Seconds).Order().ToArray();
            double median = seconds.Length % 2 == 1 ? seconds[seconds.Length / 2] : (seconds[seconds.Length / 2 - 1] + seconds[seconds.Length / 2]) / 2;
            if (plotPath is not null) TrainingPlot.Save(plotPath, _reports, $"{layout}, {split.Source}");
            EpochReport final = _reports[^1];
            if (console is null)
            {
                JsonLine.Write(stdout, new
                {
                    test_accuracy = final.Test.Accuracy,
                    test_cost = final.Test.MeanCost,
                    best_test_accuracy = _reports.Max(r => r.Test.Accuracy),
                    epochs = _reports.Count,
                    seconds_per_epoch = median,
                    samples_per_second = split.Train.Count / median,
                    threads = trainer.Threads,
                    threads_requested = options.Threads,
                    gen0_collections_training = _trainingCollections,
                    gen0_collections = GC.CollectionCount(0) - _runCollections,
                    seed = options.Seed,
                    model = Path.GetFullPath(modelPath),
                    layers = layout.Sizes.ToArray(),
                    activations = layout.Activations.ToArray().Select(a => a.ToString().ToLowerInvariant()).ToArray(),
                    cost = CommonOptions.Name(options.Cost),
                    batch = options.BatchSize,
                    eta = options.Eta,
                    lambda = options.Lambda,
                    momentum = options.Momentum,
                    data = split.Source,
                    plot = plotPath is null ? null : Path.GetFullPath(plotPath),
                });
            }
            else
            {
                var table = new Table().Title("Results").AddColumns("epoch", "test accuracy", "test cost", "train cost", "seconds", "samples/s");
                foreach (EpochReport r in _reports)
                {
                    table.AddRow($"{r.Epoch}", $"{r.Test.Accuracy:P2}", $"{r.Test.MeanCost:F4}", $"{r.TrainCost:F4}", $"{r.Seconds:F3}", $"{r.SamplesPerSecond:N0}");
                }

                console.Write(table);
                console.MarkupLineInterpolated($"Test accuracy [bold green]{final.Test.Accuracy:P2}[/] after {_reports.Count} epochs; median {median:F3} s/epoch ({split.Train.Count / median:N0} samples/s). Model: {Path.GetFullPath(modelPath)}");
            }

            return 0;
        }

        private void TrainAll(Trainer trainer, ProgressContext? context, IAnsiConsole? console)
        {
            double best = double.NegativeInfinity;
            int sinceBest = 0;
            for (int epoch = _firstEpoch; epoch <= options.Epochs; epoch++)
            {
                ProgressTask? task = context?.AddTask($"epoch {epoch}/{options.Epochs}", maxValue: split.Train.Count);
                long lastUpdate = 0;
                int reported = 0;
                int collections = GC.CollectionCount(0);
                (double trainCost, double seconds) = trainer.TrainEpoch(epoch, task is null ? null : done =>
                {
                    // Redraw at most every 50 ms: the progress bar must not slow the steps down.
                    long now = Stopwatch.GetTimestamp();
                    if (now - lastUpdate < Stopwatch.Frequency / 20 && done < split.Train.Count) return;
                    lastUpdate = now;
                    task.Increment(done - reported);
                    reported = done;
                }, _stop.Token);
                _trainingCollections += GC.CollectionCount(0) - collections;
                if (trainer.IsStopped) throw new OperationCanceledException();
                Evaluation test = Trainer.Evaluate(trainer.Network, split.Test, options.Cost);
                var report = new EpochReport(epoch, trainCost, test, seconds) { SamplesPerSecond = split.Train.Count / seconds };
                ModelFile.Save(modelPath, new SavedModel(trainer.Network, options.Cost));
                _reports.Add(report);
                if (task is not null) task.Description = $"epoch {epoch}/{options.Epochs}: {test.Accuracy:P2}";
                if (console is not null && context is null)
                {
                    console.MarkupLineInterpolated($"epoch {epoch}/{options.Epochs}: test accuracy {test.Accuracy:P2}, test cost {test.MeanCost:F4}, {seconds:F3} s ({report.SamplesPerSecond:N0} samples/s)");
                }
                else if (console is null)
                {
                    JsonLine.Write(stdout, new
                    {
                        epoch,
                        test_accuracy = test.Accuracy,
                        test_cost = test.MeanCost,
                        train_cost = trainCost,
                        seconds,
                        samples_per_second = report.SamplesPerSecond,
                    });
                }

                if (test.Accuracy > best)
                {
                    best = test.Accuracy;
                    sinceBest = 0;
                }
                else if (options.EarlyStoppingPatience is int patience && ++sinceBest >= patience)
                {
                    break;
                }
            }
        }
    }
}
