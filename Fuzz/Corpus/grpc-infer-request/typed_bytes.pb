
m*
xBYTES*BabBé中