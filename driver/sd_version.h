/* SPDX-License-Identifier: MIT */
/*
 * sd_version.h - the driver's file and product version, for its VERSIONINFO
 * resource (SecondDriver.rc). The interface's own version is docs/SPEC.md's.
 */
#ifndef SD_VERSION_H
#define SD_VERSION_H

#define SD_VERSION_MAJOR 1
#define SD_VERSION_MINOR 1
#define SD_VERSION_PATCH 0
#define SD_VERSION_STRING "1.1.0"

#endif /* SD_VERSION_H */
