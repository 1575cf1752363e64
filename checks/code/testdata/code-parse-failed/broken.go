// ruleid-file: code-parse-failed
def main():
    print("this is Python in a .go file")
    return 0
