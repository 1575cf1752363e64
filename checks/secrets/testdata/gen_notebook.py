#!/usr/bin/env python3
"""Writes notebook_template.ipynb: a Jupyter notebook (nbformat 4.5) whose cell
sources and outputs hold placeholders @@<gitleaks rule id>@@ where the tests
put generated keys. Serialised the way nbformat.writes does it
(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)), so the JSON
layout, and therefore the line mapping under test, is the one Jupyter writes.

Run: /usr/bin/python3 gen_notebook.py  (no third-party modules needed)
"""
import base64
import json
import os


def code(source, outputs, n):
    return {"cell_type": "code", "execution_count": n, "id": f"cell-{n}", "metadata": {},
            "outputs": outputs, "source": source}


def lines(text):
    # nbformat stores multi-line strings as a list of lines ending in "\n"
    return text.splitlines(keepends=True)


png = base64.b64encode(bytes(range(256)) * 4).decode()  # stands in for a plot

nb = {
    "cells": [
        {"cell_type": "markdown", "id": "intro", "metadata": {},
         "source": lines("# Exploring the fine-tuning data\nKeys come from the environment.")},
        code(lines('import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key="@@openai-api-key@@")'), [], 1),
        code(lines("print(dict(os.environ))"), [
            {"name": "stdout", "output_type": "stream",
             "text": lines("{'HOME': '/home/jovyan', 'GROQ_API_KEY': '@@groq-api-key@@', 'PATH': '/usr/bin'}\n")},
        ], 2),
        code(lines("from huggingface_hub import get_token\nget_token()"), [
            {"data": {"text/plain": lines("'@@huggingface-access-token@@'")},
             "execution_count": 3, "metadata": {}, "output_type": "execute_result"},
            {"data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
             "metadata": {}, "output_type": "display_data"},
        ], 3),
        code(lines("import anthropic\nanthropic.Anthropic().messages.create(model='claude', max_tokens=1, messages=[])"), [
            {"ename": "AuthenticationError", "evalue": "invalid x-api-key",
             "output_type": "error",
             "traceback": ["\u001b[0;31mAuthenticationError\u001b[0m: invalid x-api-key '@@anthropic-api-key@@'"]},
        ], 4),
        code(lines("# Safe: read from the environment\nkey = os.environ['OPENAI_API_KEY']"), [], 5),
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python", "version": "3.11.2"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notebook_template.ipynb")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
