using Backprop.Simd.Cli;

return BackpropCli.Run(args, Console.Out, Console.Error);
