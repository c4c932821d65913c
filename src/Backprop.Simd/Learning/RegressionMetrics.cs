namespace Backprop.Simd;

/// <summary>
/// Regression errors in the targets' own units (predictions de-standardised), per target column and
/// overall. Overall MSE and MAE are means over every value; overall R² is the mean of the columns'
/// R² = 1 - sum (y - a)^2 / sum (y - mean y)^2 (scikit-learn's r2_score, uniform average).
/// </summary>
/// <param name="ColumnMse">Per column, mean of (y - a)^2.</param>
/// <param name="ColumnMae">Per column, mean of |y - a|.</param>
/// <param name="ColumnR2">Per column, the coefficient of determination (1 where a constant column is predicted exactly, else 0 for a constant column).</param>
public sealed record RegressionMetrics(double[] ColumnMse, double[] ColumnMae, double[] ColumnR2)
{
    /// <summary>Mean squared error over every target value.</summary>
    public double Mse => ColumnMse.Length == 0 ? 0 : ColumnMse.Average();

    /// <summary>Root of <see cref="Mse"/>.</summary>
    public double Rmse => Math.Sqrt(Mse);

    /// <summary>Mean absolute error over every target value.</summary>
    public double Mae => ColumnMae.Length == 0 ? 0 : ColumnMae.Average();

    /// <summary>Mean of the columns' R².</summary>
    public double R2 => ColumnR2.Length == 0 ? 0 : ColumnR2.Average();
}
