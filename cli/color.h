/* Colour on terminals: decided once per command line in cli_run (--color, NO_COLOR, whether stdout
 * is a terminal), then read by the text printers, whose signatures carry no struct cli. */
#ifndef MSGADM_COLOR_H
#define MSGADM_COLOR_H

#include <stdbool.h>

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Whether to colour: always and never are taken as said; auto colours when stdout_tty is true and
 * NO_COLOR is not set (to any value, the empty one included). */
bool color_decide(enum color_mode mode, bool stdout_tty);
void color_set(bool on);
/* The escape sequence that starts the colour of a plan mark ('+' green, '~' yellow, '-' red), and
 * the one that ends it; "" when colour is off. */
const char *color_mark(char mark);
const char *color_end(void);

#endif
