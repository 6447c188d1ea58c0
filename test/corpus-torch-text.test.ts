// PyTorch exports, text models (BERT-style, GPT-style, LSTM, GRU), and the fixtures' promises: see corpus-torch.ts.
import { defineFixtureTests, defineTorchTests } from "./corpus-torch.js";

defineFixtureTests();
defineTorchTests((name) => /^(bert|gpt|lstm|gru)_/.test(name));
