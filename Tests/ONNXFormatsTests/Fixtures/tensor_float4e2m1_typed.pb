*2Tv˜ºÜþB
float4e2m1