import Loupe
print("loupe: under construction")
