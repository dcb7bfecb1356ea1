/* Where msgadm keeps files of its own (the console's history, the completion cache), by the XDG base
 * directory specification, in directories only their owner can enter. */
#ifndef MSGADM_XDG_H
#define MSGADM_XDG_H

/* "$VAR/msgadm/NAME" when the variable var holds an absolute path (the specification ignores a
 * relative one), else "$HOME/HOME_DIR/msgadm/NAME" (home_dir: ".local/state", ".cache"); malloc'd,
 * NULL when HOME is unset or empty too, or out of memory. */
char *xdg_file(const char *var, const char *home_dir, const char *name);

/* Makes the missing directories above the file at path with mode 0700, and msgadm's own (the last)
 * private if it is not. Returns 0, or -1 with errno set; also -1 (EPERM) when that directory belongs
 * to someone else and others may enter it. */
int xdg_private_dirs(const char *path);

#endif
