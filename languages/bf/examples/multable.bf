multable: prints a 9 by 9 table whose cell at row i and column j is the character 33 plus i times j
computed with nested copy and add loops: the shape of Mandelbrot's inner loops
Written for metajit's tests: gen_multable dot py generates it
[-]+++++++++>>>>>>>>[-]++++++++++<<<<<<<[-]<[>+>[-]+++++++++>[-]<[>+>[-]
+++++++++++++++++++++++++++++++++>[-]>[-]<<<[->>+>+<<<]>>>[-<<<+>>>]<[>>
[-]<[-]<<<<<[->>>>>>+<+<<<<<]>>>>>[-<<<<<+>>>>>]>[-<<<+>>>]<<-]<.<<-]>>>
>>>.<<<<<<<<-]
