namespace Backprop.Simd;

/// <summary>What the targets are: classes (one output per class, one-hot targets) or continuous values.</summary>
public enum LearningTask
{
    /// <summary>Each sample has a class label; the target vector y(x) is its one-hot row.</summary>
    Classification,

    /// <summary>Each sample has a vector of real targets y(x).</summary>
    Regression,
}
