using System.Diagnostics;
using Backprop.Simd.Data;
using Backprop.Simd.Kernels;
using Backprop.Simd.Model;

namespace Backprop.Simd.Learning;

/// <summary>
/// Mini-batch SGD by Nielsen's rule, w &lt;- (1 - eta lambda / n) w - (eta/m) sum_x dC_x/dw, in parallel over
/// the samples of each mini-batch. A step has two phases on persistent workers:
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
    private const int GradientPhase = 0, UpdatePhase = 1;

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
    private readonly float[] _velocity;
    private readonly int[] _order;
    private readonly SeededRandom _random;

    // The current step, read by the workers.
    private int _batchStart, _batchCount;
    private float _scale, _decay;

    // An epoch stopped between mini-batches: where it resumes.
    private int _resumeEpoch, _resumeBatch;
    private double _resumeCost;

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

        if (_layout.OutputSize != train.ClassCount)
        {
            throw new ArgumentException($"The network has {_layout.OutputSize} outputs, but the data has {train.ClassCount} classes.", nameof(network));
        }

        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        Costs.RequireCompatible(options.Cost, _layout.OutputActivation);

        Network = network;
        _train = train;
        _options = options;
        int threads = WorkersFor(options.Threads, options.BatchSize);
        int slice = (options.BatchSize + threads - 1) / threads;
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
        _velocity = options.Momentum > 0 ? new float[_layout.ParameterCount] : [];
        _order = Enumerable.Range(0, train.Count).ToArray();
        _random = new SeededRandom(options.Seed);
        _pool = new WorkerPool(threads, this);
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
    /// <exception cref="TrainingDivergedException">A cost or a weight became NaN or infinite.</exception>
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
        int batches = (_train.Count + _options.BatchSize - 1) / _options.BatchSize;
        for (int b = first; b < batches; b++)
        {
            if (stop.IsCancellationRequested && b > first)
            {
                (_resumeEpoch, _resumeBatch, _resumeCost) = (epoch, b, cost);
                return (double.NaN, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            _batchStart = b * _options.BatchSize;
            _batchCount = Math.Min(_options.BatchSize, _train.Count - _batchStart);
            double batchCost = Step();
            if (!double.IsFinite(batchCost))
            {
                throw new TrainingDivergedException(epoch, b + 1, $"the cost is {batchCost}");
            }

            cost += batchCost;
            progress?.Invoke(_batchStart + _batchCount);
        }

        // NaN and infinities lie outside [MinValue, MaxValue] (CompareTo orders NaN below everything).
        int bad = ((ReadOnlySpan<float>)Network.Parameters).IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (bad >= 0)
        {
            throw new TrainingDivergedException(epoch, batches, $"parameter {bad} ({_layout.Describe(bad).Name} of layer {_layout.Describe(bad).Layer}) is {Network.Parameters[bad]}");
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
        return new TrainingCheckpoint(_options, _resumeEpoch, _resumeBatch, _resumeCost, (int[])_order.Clone(), (float[])_velocity.Clone(), _random.State);
    }

    /// <summary>A trainer that continues a checkpoint: call <see cref="TrainEpoch(int, Action{int})"/> with <see cref="TrainingCheckpoint.Epoch"/> next.</summary>
    /// <exception cref="ArgumentException">The checkpoint does not fit the network or the data.</exception>
    public static Trainer Resume(Network<float> network, Dataset train, TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var trainer = new Trainer(network, train, checkpoint.Options);
        if (checkpoint.Order.Length != train.Count || checkpoint.Velocity.Length != trainer._velocity.Length)
        {
            throw new ArgumentException($"The checkpoint was made for {checkpoint.Order.Length} training samples and {checkpoint.Velocity.Length} velocities; this run has {train.Count} and {trainer._velocity.Length}.", nameof(checkpoint));
        }

        checkpoint.Order.CopyTo(trainer._order, 0);
        checkpoint.Velocity.CopyTo(trainer._velocity, 0);
        trainer._random.State = checkpoint.Random;
        (trainer._resumeEpoch, trainer._resumeBatch, trainer._resumeCost) = (checkpoint.Epoch, checkpoint.NextBatch, checkpoint.PartialCost);
        return trainer;
    }

    /// <summary>One mini-batch step on samples <c>order[_batchStart .. _batchStart + _batchCount)</c>; returns their summed cost.</summary>
    internal double Step()
    {
        double n = _train.Count;
        _scale = (float)(-_options.Eta / _batchCount);
        _decay = (float)(1 - _options.Eta * _options.Lambda / n);
        _pool.Run(GradientPhase);
        double total = 0;
        foreach (double c in _costs) total += c;
        if (double.IsFinite(total))
        {
            _pool.Run(UpdatePhase);
        }

        return total;
    }

    void IParallelJob.Run(int worker, int phase)
    {
        if (phase == GradientPhase) ComputeGradient(worker);
        else Update(worker);
    }

    private void ComputeGradient(int worker)
    {
        int threads = _workspaces.Length;
        int lo = _batchCount * worker / threads, hi = _batchCount * (worker + 1) / threads, count = hi - lo;
        int n0 = _layout.InputSize, nL = _layout.OutputSize;
        Span<float> x = _inputs[worker], y = _targets[worker];
        y[..(count * nL)].Clear();
        for (int i = 0; i < count; i++)
        {
            int sample = _order[_batchStart + lo + i];
            _train.CopyInput(sample, x.Slice(i * n0, n0));
            y[i * nL + _train.Label(sample)] = 1;
        }

        // The next mini-batch's rows for this worker: fetched from DRAM while this step computes.
        int nextStart = _batchStart + _options.BatchSize, nextCount = Math.Min(_options.BatchSize, _train.Count - nextStart);
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

    // g = sum over workers in worker order; then w <- decay w + scale g (or through the velocity with momentum).
    private void Update(int worker)
    {
        Span<float> parameters = Network.Parameters;
        foreach ((int start, int length, bool decay) in _ranges[worker])
        {
            Span<float> g = _gradients[0].AsSpan(start, length);
            for (int t = 1; t < _gradients.Length; t++) Blas1.Add<float>(g, _gradients[t].AsSpan(start, length), g);
            Span<float> w = parameters.Slice(start, length);
            float keep = decay ? _decay : 1f;
            if (_velocity.Length == 0)
            {
                Blas1.Axpby<float>(g, _scale, keep, w);
            }
            else
            {
                Span<float> v = _velocity.AsSpan(start, length);
                Blas1.Axpby<float>(g, _scale, (float)_options.Momentum, v);
                Blas1.Axpby<float>(v, 1f, keep, w);
            }
        }
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

    /// <summary>Accuracy, mean cost and confusion matrix of <paramref name="network"/> on <paramref name="data"/> (one-hot targets).</summary>
    public static Evaluation Evaluate(Network<float> network, Dataset data, CostFunction cost)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        NetworkLayout layout = network.Layout;
        if (layout.InputSize != data.InputSize || layout.OutputSize != data.ClassCount)
        {
            throw new ArgumentException($"The network {layout} does not fit data of {data.InputSize} inputs and {data.ClassCount} classes.", nameof(data));
        }

        const int Chunk = 256;
        var workspace = new BatchBackprop<float>(layout, Chunk);
        int nL = layout.OutputSize;
        var target = new float[nL];
        var confusion = new int[nL][];
        for (int i = 0; i < nL; i++) confusion[i] = new int[nL];
        int correct = 0;
        double totalCost = 0;
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, data.Count - start);
            ReadOnlySpan<float> outputs = workspace.Forward(network, data.Inputs.Slice(start * data.InputSize, count * data.InputSize), count);
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> a = outputs.Slice(i * nL, nL);
                int label = data.Label(start + i), predicted = Activations.Argmax(a);
                confusion[label][predicted]++;
                if (predicted == label) correct++;
                target[label] = 1;
                totalCost += Costs.Value<float>(cost, a, target);
                target[label] = 0;
            }
        }

        return new Evaluation(data.Count, correct, data.Count == 0 ? 0 : totalCost / data.Count, confusion);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();
}
