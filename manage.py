#!/usr/bin/env python
from knooppunt.manage import main

if __name__ == "__main__":
    main()
