using System.Diagnostics;
using System.Numerics.Tensors;
using Backprop.Simd.Kernels;
using Backprop.Simd.Learning.Optimizers;

namespace Backprop.Simd;

/// <summary>
/// Mini-batch gradient descent (the lecture's SGD, w &lt;- (1 - eta lambda / n) w - (eta/m) sum_x dC_x/dw, or
/// momentum, Nesterov, Adam, AdamW: <see cref="TrainingOptions.Optimizer"/>), in parallel over the samples of
/// each mini-batch. A step has two phases on persistent workers:
/// <list type="number">
/// <item>gradient: worker t takes its fixed slice of the batch, gathers the inputs and one-hot targets,
/// and runs the matrix form into its own gradient buffer;</item>
/// <item>update: worker t owns a fixed range of every layer's parameters, sums the workers' gradients
/// there in worker order and applies the update.</item>
/// </list>
/// The partition and the summation order depend only on the thread count, so a seed and a thread
/// count give bit-identical weights. After construction and the first step, a step allocates nothing.
/// </summary>
public sealed class Trainer : IDisposable, IParallelJob
{
    private const int GradientPhase = 0, UpdatePhase = 1, ReducePhase = 2, ApplyPhase = 3;

    private readonly Dataset _train;
    private readonly TrainingOptions _options;
    private readonly NetworkLayout _layout;
    private readonly WorkerPool _pool;
    private readonly BatchBackprop<float>[] _workspaces;
    private readonly float[][] _gradients;   // per worker, parameter layout
    private readonly float[][] _inputs;      // per worker [slice, n0]
    private readonly float[][] _targets;     // per worker [slice, nL]
    private readonly double[] _costs;        // per worker, sum of C_x over its slice
    private readonly (int Start, int Length, bool Decay)[][] _ranges; // per worker: its part of every W and b
    private readonly UpdateRule _update;
    private readonly double[] _squares;      // per worker, sum of g^2 over its ranges (for --clip-norm)
    private readonly int[] _order;
    private readonly int _batchSize;         // the option, at most the sample count: counts stay far from int overflow
    private readonly SeededRandom _random;
    private readonly float _parameterLimit;  // |parameter| beyond this after an epoch is divergence
    private readonly float[] _epochStart;    // the parameters when the epoch began: an epoch that moves none is stuck

    // A mini-batch's mean cost beyond this is divergence; set from the trainer's first mini-batch.
    private double _costCeiling = double.PositiveInfinity;

    // The current step, read by the workers.
    private int _batchStart, _batchCount;

    // An epoch stopped between mini-batches: where it resumes.
    private int _resumeEpoch, _resumeBatch;
    private double _resumeCost;

    // Model selection for Fit: the next epoch to run and the best validation epoch so far.
    private int _nextEpoch = 1;
    private int _bestEpoch, _sinceBest;
    private double _bestAccuracy = double.NegativeInfinity, _bestCost = double.PositiveInfinity;
    private float[] _bestParameters = [];

    /// <summary>Prepares training of <paramref name="network"/> (updated in place) on <paramref name="train"/>.</summary>
    /// <exception cref="ArgumentException">The network's input or output size does not fit the data, or the cost does not fit the output layer.</exception>
    public Trainer(Network<float> network, Dataset train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _layout = network.Layout;
        if (_layout.InputSize != train.InputSize)
        {
            throw new ArgumentException($"The network takes {_layout.InputSize} inputs, but the data has {train.InputSize} per sample.", nameof(network));
        }

        if (_layout.OutputSize != train.TargetSize)
        {
            string targets = train.Task == LearningTask.Classification ? $"{train.ClassCount} classes" : $"{train.TargetSize} target values per sample";
            throw new ArgumentException($"The network has {_layout.OutputSize} outputs, but the data has {targets}.", nameof(network));
        }

        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        Costs.RequireCompatible(options.Cost, _layout.OutputActivation);

        RequireMemory(_layout, options, train.Count);
        Network = network;
        _train = train;
        _options = options;
        int batch = _batchSize = Math.Min(options.BatchSize, train.Count); // a batch of at least n is one full-batch step
        int threads = WorkersFor(options.Threads, batch);
        int slice = (batch + threads - 1) / threads;
        _workspaces = new BatchBackprop<float>[threads];
        _gradients = new float[threads][];
        _inputs = new float[threads][];
        _targets = new float[threads][];
        _costs = new double[threads];
        for (int t = 0; t < threads; t++)
        {
            _workspaces[t] = new BatchBackprop<float>(_layout, slice);
            _gradients[t] = new float[_layout.ParameterCount];
            _inputs[t] = new float[slice * _layout.InputSize];
            _targets[t] = new float[slice * _layout.OutputSize];
        }

        _ranges = PartitionParameters(_layout, threads);
        long steps = (long)options.Epochs * ((train.Count + batch - 1) / batch);
        _update = UpdateRule.For(options, _layout.ParameterCount, train.Count, steps);
        _squares = new double[threads];
        _order = Enumerable.Range(0, train.Count).ToArray();
        _random = new SeededRandom(options.Seed);
        _epochStart = new float[_layout.ParameterCount];
        _parameterLimit = (float)Math.Min(options.ParameterLimit ?? TrainingOptions.DefaultParameterLimit * Math.Max(1, train.Targets.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude(train.Targets)), float.MaxValue);
        _pool = new WorkerPool(threads, this);
    }

    /// <summary>
    /// About the bytes training <paramref name="layout"/> takes beside the data: the network, its
    /// per-worker gradients, the optimizer's two moments, the best epoch's and the epoch start's copies
    /// (5 + workers parameter vectors), and each worker's slice of inputs, targets, activations and deltas.
    /// </summary>
    public static long MemoryNeeded(NetworkLayout layout, TrainingOptions options, int sampleCount)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        long batch = Math.Clamp(Math.Min(options.BatchSize, sampleCount), 1, int.MaxValue);
        int threads = WorkersFor(options.Threads, (int)batch);
        long slice = (batch + threads - 1) / threads, units = 0;
        for (int i = 1; i < layout.Sizes.Length; i++) units += layout.Sizes[i];
        long perSample = layout.InputSize + layout.OutputSize + 2 * units + 1;
        return sizeof(float) * ((5L + threads) * layout.ParameterCount + threads * slice * perSample) + sizeof(int) * (long)sampleCount;
    }

    /// <summary>Throws if <see cref="MemoryNeeded"/> is more than the memory the GC can use.</summary>
    /// <exception cref="ArgumentException">Training would not fit in memory; the message gives both figures.</exception>
    public static void RequireMemory(NetworkLayout layout, TrainingOptions options, int sampleCount)
    {
        long needed = MemoryNeeded(layout, options, sampleCount), available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
        {
            throw new ArgumentException($"Training {layout} ({layout.ParameterCount} parameters, batch {Math.Min(options.BatchSize, sampleCount)}) needs about {needed / 1e9:F1} GB, more than the {available / 1e9:F1} GB available.", nameof(layout));
        }
    }

    /// <summary>The network being trained.</summary>
    public Network<float> Network { get; }

    /// <summary>Bytes allocated by the calling thread and the trainer's worker threads (call on the training thread).</summary>
    internal long AllocatedBytes => GC.GetAllocatedBytesForCurrentThread() + _pool.WorkerAllocatedBytes;

    /// <summary>
    /// Fewest samples a worker's slice should have. Every step sums the workers' gradients, a pass
    /// over all parameters whose cost does not shrink with the batch; measured on [784, 30, 10]
    /// (60,000 samples, 2 cores), two workers lose at batch 10 (0.29 s/epoch against 0.15) and
    /// 32, and win at 128 (0.095 against 0.123).
    /// </summary>
    public const int MinSamplesPerWorker = 32;

    /// <summary>Workers used for a requested thread count: as many as give each at least
    /// <see cref="MinSamplesPerWorker"/> samples of a mini-batch, at least one.</summary>
    public static int WorkersFor(int requestedThreads, int batchSize) =>
        Math.Clamp(batchSize / MinSamplesPerWorker, 1, Math.Max(requestedThreads, 1));

    /// <summary>Worker threads in use: the requested count, reduced by <see cref="WorkersFor"/> for small batches.</summary>
    public int Threads => _workspaces.Length;

    /// <summary>
    /// One epoch: a seeded shuffle, then every mini-batch. Returns the mean cost of the batches
    /// (each measured before its step) and the wall time.
    /// </summary>
    /// <param name="epoch">1-based, for messages.</param>
    /// <param name="progress">Called after each mini-batch with the samples done so far; may be null.</param>
    /// <exception cref="TrainingDivergedException">A cost or a weight became NaN or infinite, a mini-batch's cost passed
    /// <see cref="TrainingOptions.CostGrowthLimit"/> times the first's, a parameter passed <see cref="TrainingOptions.ParameterLimit"/>,
    /// or the epoch moved no parameter at a cost above zero (saturated units, no gradient).</exception>
    public (double MeanCost, double Seconds) TrainEpoch(int epoch, Action<int>? progress = null) =>
        TrainEpoch(epoch, progress, CancellationToken.None);

    /// <summary>
    /// As <see cref="TrainEpoch(int, Action{int})"/>, but stops after the current mini-batch when
    /// <paramref name="stop"/> is cancelled: <see cref="IsStopped"/> is then true, the returned cost
    /// is NaN, <see cref="Checkpoint"/> captures the state, and the next call continues the same epoch.
    /// </summary>
    public (double MeanCost, double Seconds) TrainEpoch(int epoch, Action<int>? progress, CancellationToken stop)
    {
        long start = Stopwatch.GetTimestamp();
        int first = 0;
        double cost = 0;
        if (_resumeEpoch == epoch)
        {
            (first, cost) = (_resumeBatch, _resumeCost);
        }
        else
        {
            _random.Shuffle<int>(_order);
        }

        _resumeEpoch = 0;
        Network.Parameters.CopyTo(_epochStart);
        int batches = (_train.Count + _batchSize - 1) / _batchSize;
        for (int b = first; b < batches; b++)
        {
            if (stop.IsCancellationRequested && b > first)
            {
                (_resumeEpoch, _resumeBatch, _resumeCost) = (epoch, b, cost);
                return (double.NaN, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            _batchStart = b * _batchSize;
            _batchCount = Math.Min(_batchSize, _train.Count - _batchStart);
            double batchCost = Step();
            if (!double.IsFinite(batchCost))
            {
                throw new TrainingDivergedException(epoch, b + 1, $"the cost is {batchCost}");
            }

            double meanCost = batchCost / _batchCount;
            if (meanCost > _costCeiling)
            {
                throw new TrainingDivergedException(epoch, b + 1, $"the mean cost {meanCost:G4} is more than {_options.CostGrowthLimit:G4} times the first mini-batch's ({_costCeiling / _options.CostGrowthLimit:G4}, at least 1)");
            }

            if (double.IsPositiveInfinity(_costCeiling)) _costCeiling = _options.CostGrowthLimit * Math.Max(1, meanCost);

            cost += batchCost;
            progress?.Invoke(_batchStart + _batchCount);
        }

        // NaN and infinities lie outside any finite range (CompareTo orders NaN below everything), so one
        // pass finds them and saturated weights alike.
        int bad = Network.Parameters.IndexOfAnyExceptInRange(-_parameterLimit, _parameterLimit);
        if (bad >= 0)
        {
            float value = Network.Parameters[bad];
            string beyond = float.IsFinite(value) ? $", beyond the limit {_parameterLimit:G3} (TrainingOptions.ParameterLimit)" : "";
            throw new TrainingDivergedException(epoch, batches, $"parameter {bad} ({_layout.Describe(bad).Name} of layer {_layout.Describe(bad).Layer}) is {value:G4}{beyond}");
        }

        // Saturation: every unit pinned (dead ReLUs, sigmoids at 0 or 1) leaves no gradient for any
        // sample, so a whole epoch of steps moves no parameter while the cost stays above zero. Steps
        // too small for a float to register (a converged fit of large targets, a schedule's eta near 0)
        // move nothing either, so it is saturation only if the last step's summed gradient is exactly 0,
        // and only for classification: one-hot targets leave a wrong sample a non-zero delta unless its
        // units are pinned, while a regression fit in float can have residuals that cancel exactly.
        if (cost > 0 && first < batches && _train.Task == LearningTask.Classification
            && Network.Parameters.SequenceEqual(_epochStart)
            && TensorPrimitives.MaxMagnitude<float>(_gradients[0]) == 0)
        {
            throw new TrainingDivergedException(epoch, batches, $"no parameter changed in the epoch at a mean cost of {cost / _train.Count:G4}: the units are saturated and the gradient is zero for every sample");
        }

        return (cost / _train.Count, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>True after <see cref="TrainEpoch(int, Action{int}, CancellationToken)"/> stopped inside an epoch.</summary>
    public bool IsStopped => _resumeEpoch != 0;

    /// <summary>The state after a stop, to save with <c>CheckpointFile</c> and continue with <see cref="Resume"/>.</summary>
    /// <exception cref="InvalidOperationException">Training is not stopped inside an epoch.</exception>
    public TrainingCheckpoint Checkpoint()
    {
        if (!IsStopped) throw new InvalidOperationException("A checkpoint is taken when TrainEpoch has stopped inside an epoch.");
        return new TrainingCheckpoint(_options, _resumeEpoch, _resumeBatch, _resumeCost, (int[])_order.Clone(), (float[])_update.FirstMoment.Clone(), _random.State)
        {
            SecondMoment = (float[])_update.SecondMoment.Clone(),
            OptimizerSteps = _update.StepCount,
            BestEpoch = _bestEpoch,
            BestAccuracy = _bestAccuracy,
            BestCost = _bestCost,
            EpochsSinceBest = _sinceBest,
            BestParameters = (float[])_bestParameters.Clone(),
        };
    }

    /// <summary>A trainer that continues a checkpoint: call <see cref="TrainEpoch(int, Action{int})"/> with <see cref="TrainingCheckpoint.Epoch"/> next.</summary>
    /// <exception cref="ArgumentException">The checkpoint does not fit the network or the data.</exception>
    public static Trainer Resume(Network<float> network, Dataset train, TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Inconsistency() is string problem) throw new ArgumentException($"The checkpoint is not a training state: {problem}.", nameof(checkpoint));
        var trainer = new Trainer(network, train, checkpoint.Options);
        float[] first = trainer._update.FirstMoment, second = trainer._update.SecondMoment;
        if (checkpoint.Order.Length != train.Count || checkpoint.Velocity.Length != first.Length || checkpoint.SecondMoment.Length != second.Length)
        {
            throw new ArgumentException($"The checkpoint was made for {checkpoint.Order.Length} training samples and optimizer moments of {checkpoint.Velocity.Length} and {checkpoint.SecondMoment.Length} values; this run has {train.Count}, {first.Length} and {second.Length}.", nameof(checkpoint));
        }

        checkpoint.Order.CopyTo(trainer._order, 0);
        checkpoint.Velocity.CopyTo(first, 0);
        checkpoint.SecondMoment.CopyTo(second, 0);
        trainer._update.StepCount = checkpoint.OptimizerSteps;
        trainer._random.State = checkpoint.Random;
        if (checkpoint.BestParameters.Length is not 0 && checkpoint.BestParameters.Length != network.Layout.ParameterCount)
        {
            throw new ArgumentException($"The checkpoint's best parameters are {checkpoint.BestParameters.Length} values; the network has {network.Layout.ParameterCount}.", nameof(checkpoint));
        }

        (trainer._resumeEpoch, trainer._resumeBatch, trainer._resumeCost) = (checkpoint.Epoch, checkpoint.NextBatch, checkpoint.PartialCost);
        trainer._nextEpoch = checkpoint.Epoch;
        (trainer._bestEpoch, trainer._bestAccuracy, trainer._bestCost, trainer._sinceBest) = (checkpoint.BestEpoch, checkpoint.BestAccuracy, checkpoint.BestCost, checkpoint.EpochsSinceBest);
        trainer._bestParameters = (float[])checkpoint.BestParameters.Clone();
        return trainer;
    }

    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="train"/> with <paramref name="options"/>:
    /// the whole of <see cref="Fit(Dataset?, IProgress{EpochReport}?, CancellationToken, Action{int, int}?)"/> in one call.
    /// </summary>
    public static FitResult Fit(Network<float> network, Dataset train, Dataset? validation, TrainingOptions options,
        IProgress<EpochReport>? progress = null, CancellationToken stop = default)
    {
        using var trainer = new Trainer(network, train, options);
        return trainer.Fit(validation, progress, stop);
    }

    /// <summary>
    /// The training loop: every remaining epoch, each followed by an evaluation on
    /// <paramref name="validation"/> (if given) that selects the model: the network ends with the
    /// parameters of the best validation epoch (highest accuracy, then lowest mean cost, for
    /// classification; lowest mean cost for regression), as Keras' restore_best_weights. Without a
    /// validation set it keeps the last epoch. Early stopping (<see cref="TrainingOptions.EarlyStoppingPatience"/>)
    /// ends training after that many epochs without a better validation result.
    /// </summary>
    /// <param name="validation">Samples for model selection, never trained on; null for none.</param>
    /// <param name="progress">Told after each epoch, on the training thread, while the network holds that epoch's parameters (so an <see cref="EpochReport.IsBest"/> report is the moment to save it).</param>
    /// <param name="stop">Stops after the current mini-batch; the result then has <see cref="FitResult.Checkpoint"/> to continue from (<see cref="Resume"/>).</param>
    /// <param name="onBatch">Told (epoch, samples done in the epoch) after each mini-batch, for progress bars; may be null.</param>
    /// <exception cref="ArgumentException">Early stopping without a validation set, or the validation set does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">A cost or a parameter became NaN or infinite, or exploded (see <see cref="TrainingOptions.CostGrowthLimit"/> and <see cref="TrainingOptions.ParameterLimit"/>).</exception>
    public FitResult Fit(Dataset? validation, IProgress<EpochReport>? progress = null, CancellationToken stop = default, Action<int, int>? onBatch = null)
    {
        if (_options.EarlyStoppingPatience is not null && validation is null)
        {
            throw new ArgumentException("Early stopping needs a validation set to watch.", nameof(validation));
        }

        if (validation is not null && (validation.InputSize != _train.InputSize || validation.TargetSize != _train.TargetSize || validation.Task != _train.Task))
        {
            throw new ArgumentException($"The validation set has {validation.InputSize} inputs and {validation.TargetSize} targets ({validation.Task}); the training set has {_train.InputSize} and {_train.TargetSize} ({_train.Task}).", nameof(validation));
        }

        var reports = new List<EpochReport>();
        bool early = false;
        long start = Stopwatch.GetTimestamp(), reporting = 0; // the caller's time in progress.Report is not training
        int epochCollections = 0;
        var workspace = validation is null ? null : new Evaluator.Workspace(_layout);
        for (int epoch = _nextEpoch; epoch <= _options.Epochs; epoch++)
        {
            int current = epoch, collections = GC.CollectionCount(0);
            (double trainCost, double seconds) = TrainEpoch(epoch, onBatch is null ? null : done => onBatch(current, done), stop);
            epochCollections += GC.CollectionCount(0) - collections;
            if (IsStopped) return new FitResult(reports, _bestEpoch, null, Stopped: true) { Checkpoint = Checkpoint(), Seconds = Elapsed(), EpochCollections = epochCollections };

            Evaluation? checkedOn = validation is null ? null : Evaluator.Evaluate(Network, validation, _options.Cost, workspace);
            bool best = checkedOn is null || IsBetter(checkedOn);
            if (best)
            {
                (_bestEpoch, _sinceBest) = (epoch, 0);
                if (checkedOn is not null)
                {
                    (_bestAccuracy, _bestCost) = (checkedOn.Accuracy, checkedOn.MeanCost);
                    if (_bestParameters.Length == 0) _bestParameters = new float[_layout.ParameterCount];
                    Network.Parameters.CopyTo(_bestParameters);
                }
            }
            else
            {
                _sinceBest++;
            }

            _nextEpoch = epoch + 1;
            var report = new EpochReport(epoch, trainCost, checkedOn, seconds) { SamplesPerSecond = _train.Count / seconds, IsBest = best };
            reports.Add(report);
            long before = Stopwatch.GetTimestamp();
            progress?.Report(report);
            reporting += Stopwatch.GetTimestamp() - before;
            if (_options.EarlyStoppingPatience is int patience && _sinceBest >= patience && epoch < _options.Epochs)
            {
                early = true;
                break;
            }
        }

        Evaluation? selected = null;
        if (validation is not null && _bestParameters.Length > 0)
        {
            _bestParameters.CopyTo(Network.Parameters);
            selected = Evaluator.Evaluate(Network, validation, _options.Cost, workspace);
        }

        return new FitResult(reports, _bestEpoch, selected, Stopped: false) { StoppedEarly = early, Seconds = Elapsed(), EpochCollections = epochCollections };

        double Elapsed() => (Stopwatch.GetTimestamp() - start - reporting) / (double)Stopwatch.Frequency;
    }

    // Higher accuracy, then lower cost (classification); lower cost (regression).
    private bool IsBetter(Evaluation e) =>
        e.Task == LearningTask.Classification
            ? e.Accuracy > _bestAccuracy || (e.Accuracy == _bestAccuracy && e.MeanCost < _bestCost)
            : e.MeanCost < _bestCost;

    /// <summary>One mini-batch step on samples <c>order[_batchStart .. _batchStart + _batchCount)</c>; returns their summed cost.</summary>
    internal double Step()
    {
        _pool.Run(GradientPhase);
        double total = 0;
        foreach (double c in _costs) total += c;
        if (!double.IsFinite(total)) return total;

        double scale = 1.0 / _batchCount; // the summed gradient to the mean gradient
        if (_options.ClipNorm is double clip)
        {
            // ||g / m|| over every parameter needs all ranges summed first: reduce, then apply.
            _pool.Run(ReducePhase);
            double squares = 0;
            foreach (double part in _squares) squares += part;     // worker order: the same bits every run
            double coefficient = clip / (Math.Sqrt(squares) * scale + 1e-6); // torch's clip_grad_norm_
            if (coefficient < 1) scale *= coefficient;
            _update.BeginStep(scale);
            _pool.Run(ApplyPhase);
        }
        else
        {
            _update.BeginStep(scale);
            _pool.Run(UpdatePhase);
        }

        _update.EndStep();
        return total;
    }

    void IParallelJob.Run(int worker, int phase)
    {
        switch (phase)
        {
            case GradientPhase: ComputeGradient(worker); break;
            case UpdatePhase: Update(worker, reduce: true, apply: true); break;
            case ReducePhase: Update(worker, reduce: true, apply: false); break;
            default: Update(worker, reduce: false, apply: true); break;
        }
    }

    private void ComputeGradient(int worker)
    {
        int threads = _workspaces.Length;
        int lo = _batchCount * worker / threads, hi = _batchCount * (worker + 1) / threads, count = hi - lo;
        int n0 = _layout.InputSize, nL = _layout.OutputSize;
        Span<float> x = _inputs[worker], y = _targets[worker];
        _train.GatherUnchecked(_order.AsSpan(_batchStart + lo, count), x, y);

        // The next mini-batch's rows for this worker: fetched from DRAM while this step computes.
        int nextStart = _batchStart + _batchSize, nextCount = Math.Min(_batchSize, _train.Count - nextStart);
        for (int i = nextCount * worker / threads; i < nextCount * (worker + 1) / threads; i++)
        {
            _train.PrefetchInput(_order[nextStart + i]);
        }

        if (count == 0)
        {
            Array.Clear(_gradients[worker]);
            _costs[worker] = 0;
            return;
        }

        _costs[worker] = _workspaces[worker].Backpropagate(Network, x[..(count * n0)], y[..(count * nL)], count, _options.Cost, _gradients[worker]);
    }

    // reduce: g = sum over workers in worker order (and, before a clip, this worker's share of ||g||^2);
    // apply: the update rule on this worker's ranges.
    private void Update(int worker, bool reduce, bool apply)
    {
        Span<float> parameters = Network.Parameters;
        double squares = 0;
        foreach ((int start, int length, bool decay) in _ranges[worker])
        {
            Span<float> g = _gradients[0].AsSpan(start, length);
            if (reduce)
            {
                for (int t = 1; t < _gradients.Length; t++) Blas1.Add<float>(g, _gradients[t].AsSpan(start, length), g);
                if (!apply) squares += TensorPrimitives.SumOfSquares<float>(g);
            }

            if (apply) _update.Apply(parameters.Slice(start, length), g, start, decay);
        }

        if (reduce && !apply) _squares[worker] = squares;
    }

    private static (int, int, bool)[][] PartitionParameters(NetworkLayout layout, int threads)
    {
        var ranges = new (int, int, bool)[threads][];
        for (int t = 0; t < threads; t++)
        {
            var mine = new List<(int, int, bool)>();
            for (int layer = 0; layer < layout.LayerCount; layer++)
            {
                int weights = layout.InputsOf(layer) * layout.OutputsOf(layer), biases = layout.OutputsOf(layer);
                Add(mine, layout.WeightOffset(layer), weights, t, threads, decay: true);
                Add(mine, layout.BiasOffset(layer), biases, t, threads, decay: false);
            }

            ranges[t] = mine.ToArray();
        }

        return ranges;

        static void Add(List<(int, int, bool)> list, int offset, int length, int t, int threads, bool decay)
        {
            int lo = (int)((long)length * t / threads), hi = (int)((long)length * (t + 1) / threads);
            if (hi > lo) list.Add((offset + lo, hi - lo, decay));
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();
}
