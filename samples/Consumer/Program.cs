using Backprop.Simd;

// A first program against the packages: learn XOR from arrays, then predict each corner.
// Exits 1 when a prediction is wrong, so CI sees a broken package.
float[,] x = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
int[] labels = [0, 1, 1, 0];
Dataset train = Dataset.FromArrays(x, labels);

var layout = new NetworkLayout([2, 8, 2], [Activation.Tanh, Activation.Softmax]);
var network = Network<float>.Create(layout, Initialization.Xavier, seed: 1);
var options = new TrainingOptions { Epochs = 2000, BatchSize = 4, Eta = 0.1, Momentum = 0.9, Cost = CostFunction.LogLikelihood };
Trainer.Fit(network, train, null, options);

var predictor = new Predictor(network);
int wrong = 0;
for (int i = 0; i < labels.Length; i++)
{
    int predicted = predictor.Classify([x[i, 0], x[i, 1]]);
    Console.WriteLine($"xor({x[i, 0]}, {x[i, 1]}) = {predicted}");
    if (predicted != labels[i]) wrong++;
}
Console.WriteLine(wrong == 0 ? "consumer: all 4 predictions right" : $"consumer: {wrong} of 4 predictions wrong");
return wrong == 0 ? 0 : 1;
