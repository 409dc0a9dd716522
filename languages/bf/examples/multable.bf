multable: prints a 9 by 9 table whose cell at row i and column j for i and j from 1 is the byte 33 plus i times j modulo 256
computed with nested copy and add loops: the shape of Mandelbrot's inner loops
Written for metajit's tests: gen_multable dot py generates it
[-]+++++++++>>>>>>>>[-]++++++++++<<<<<<<[-]<[>+>[-]+++++++++>[-]<[>+>[-]
+++++++++++++++++++++++++++++++++>[-]>[-]<<<[->>+>+<<<]>>>[-<<<+>>>]<[>>
[-]<[-]<<<<<[->>>>>>+<+<<<<<]>>>>>[-<<<<<+>>>>>]>[-<<<+>>>]<<-]<.<<-]>>>
>>>.<<<<<<<<-]
