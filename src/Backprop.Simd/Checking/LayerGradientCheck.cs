namespace Backprop.Simd;

/// <summary>The result of a gradient check for one layer's W and b.</summary>
/// <param name="Layer">0-based layer index (the lecture's layer Layer + 1).</param>
/// <param name="ParametersChecked">How many of the layer's parameters were compared.</param>
/// <param name="MaxAbsoluteError">max |analytic - numeric| over them.</param>
/// <param name="MaxRelativeError">max |analytic - numeric| / max(|analytic|, |numeric|, tiny gradient).</param>
/// <param name="WorstParameterIndex">Index in the parameter buffer of the largest relative error (-1 if none checked).</param>
/// <param name="WorstParameter">That parameter named in its layer, e.g. <c>W[3, 17]</c> or <c>b[2]</c>.</param>
/// <param name="WorstAnalytic">The analytic gradient there.</param>
/// <param name="WorstNumeric">The finite-difference gradient there.</param>
/// <param name="Passed">Every checked parameter within tolerance.</param>
public sealed record LayerGradientCheck(
    int Layer,
    int ParametersChecked,
    double MaxAbsoluteError,
    double MaxRelativeError,
    int WorstParameterIndex,
    string WorstParameter,
    double WorstAnalytic,
    double WorstNumeric,
    bool Passed);
