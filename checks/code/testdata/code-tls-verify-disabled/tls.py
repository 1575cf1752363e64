import ssl
import requests
import httpx

# ruleid: code-tls-verify-disabled
r = requests.get("https://internal.example.com", verify=False)
# ruleid: code-tls-verify-disabled
client = httpx.Client(verify=False)
# ruleid: code-tls-verify-disabled
ctx = ssl._create_unverified_context()
s = requests.Session()
# ruleid: code-tls-verify-disabled
s.verify = False
# ok: code-tls-verify-disabled
r2 = requests.get("https://example.com", verify=True)
# ok: code-tls-verify-disabled
r3 = requests.get("https://example.com", verify="/etc/ssl/ca.pem")
# ok: code-tls-verify-disabled
ctx2 = ssl.create_default_context()
