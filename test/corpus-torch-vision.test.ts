// PyTorch exports, vision models (torchvision CNNs, ViT): see corpus-torch.ts.
import { defineTorchTests } from "./corpus-torch.js";

defineTorchTests((name) => !/^(bert|gpt|lstm|gru)_/.test(name));
