#!/bin/sh
set -eu
# ruleid: code-trust-remote-code
vllm serve ./weights --trust-remote-code --port 8000
# ok: code-trust-remote-code
vllm serve ./weights --port 8001
# never pass --trust-remote-code here
# ok: code-trust-remote-code
echo done
