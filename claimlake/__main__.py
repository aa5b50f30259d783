from claimlake.cli import main

main()
