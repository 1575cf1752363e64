from flask import Flask
from flask_cors import CORS
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = Flask(__name__)
api = FastAPI()
# ruleid: code-cors-wildcard-credentials
CORS(app, supports_credentials=True)
# ruleid: code-cors-wildcard-credentials
CORS(app, origins="*", supports_credentials=True)
# ruleid: code-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: code-cors-wildcard-credentials
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
# ok: code-cors-wildcard-credentials
CORS(app)
# ok: code-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
