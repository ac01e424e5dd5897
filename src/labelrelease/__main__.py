from labelrelease.cli import main

main()
