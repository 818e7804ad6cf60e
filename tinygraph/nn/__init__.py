"""Neural-network pieces: modules, layers, activations, costs, regularisation."""
