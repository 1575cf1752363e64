import os

# ruleid: code-debug-enabled
DEBUG = True
# ok: code-debug-enabled
TEMPLATE_DEBUG = True
# ok: code-debug-enabled
ALLOWED_HOSTS = ["example.com"]
