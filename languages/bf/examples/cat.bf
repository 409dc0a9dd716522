cat: copies its input to its output until the end of input
(a cell is left unchanged at the end of input so it must start at zero)
,[.[-],]
