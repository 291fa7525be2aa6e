Bweightsj
locationweights.binj
offset0p