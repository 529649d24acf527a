from handouts.startup import importing

with importing():
    from handouts.cli import main

main()
