B
float4e2m1J2Tv˜ºÜþ