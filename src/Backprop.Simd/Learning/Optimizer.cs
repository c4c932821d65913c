namespace Backprop.Simd;

/// <summary>The update rule of gradient descent (each is a type in Learning/Optimizers, its math in a one-line comment).</summary>
public enum Optimizer
{
    /// <summary>The lecture's rule: w &lt;- (1 - eta lambda / n) w - eta g.</summary>
    Sgd,

    /// <summary>Heavy ball, as torch.optim.SGD(momentum): b &lt;- mu b + g, w &lt;- w - eta b.</summary>
    Momentum,

    /// <summary>Nesterov momentum, as torch.optim.SGD(nesterov=True): b &lt;- mu b + g, w &lt;- w - eta (g + mu b).</summary>
    Nesterov,

    /// <summary>Adam (Kingma and Ba), as torch.optim.Adam, with an optional L2 term added to the gradient.</summary>
    Adam,

    /// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay w &lt;- (1 - eta wd) w, as torch.optim.AdamW.</summary>
    AdamW,
}
