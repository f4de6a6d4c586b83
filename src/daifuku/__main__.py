"""`python -m daifuku …` runs the same command line as the `daifuku` script."""

from daifuku.cli import main

if __name__ == "__main__":
    main()
