using Spectre.Console;
using Spectre.Console.Rendering;

namespace Backprop.Simd.Cli;

/// <summary>A progress column showing the task's speed as training samples per second.</summary>
internal sealed class SamplesPerSecondColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is double speed ? $"{speed:N0} samples/s" : "", new Style(Color.Aqua));
}
