
declared