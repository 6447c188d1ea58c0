// Datasets whose arrays carry no input names (a .npy file, idx images, image folders) store their
// one input under this key; consumers bind it to the model's first input.

export const POSITIONAL_INPUT = "input";
