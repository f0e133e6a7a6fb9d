"""The funding programme, its rounds and the municipalities of Rhineland-Palatinate."""
