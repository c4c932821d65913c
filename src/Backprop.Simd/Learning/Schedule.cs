namespace Backprop.Simd;

/// <summary>How the learning rate changes with the optimizer step t (0 for the first step), as torch.optim.lr_scheduler stepped once per optimizer step.</summary>
public enum Schedule
{
    /// <summary>eta_t = eta.</summary>
    Constant,

    /// <summary>eta_t = eta gamma^floor(t / step size) (StepLR).</summary>
    Step,

    /// <summary>eta_t = eta gamma^t (ExponentialLR).</summary>
    Exponential,

    /// <summary>eta_t = eta_min + (eta - eta_min) (1 + cos(pi t / T)) / 2 (CosineAnnealingLR's closed form).</summary>
    Cosine,
}
