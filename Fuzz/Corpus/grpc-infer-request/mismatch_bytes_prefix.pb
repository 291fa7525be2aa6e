
m*
xBYTES:ðÿÿÿab