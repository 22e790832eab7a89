"""`make bench`: Knooppunt's benchmarks. Each module in bench.cases measures figures together with
the baseline it is compared to in the same run; bench.report writes the table."""
