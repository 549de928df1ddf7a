import JingzhiApp
import ArgumentParser
print("building")
