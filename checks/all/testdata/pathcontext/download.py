# A hub download without a pinned revision, as it appears in test suites and
# in application code alike; only the path differs between the two cases.
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("facebook/opt-125m")
