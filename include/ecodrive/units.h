/* Every unit conversion constant of the project, once, named with both units: X_PER_Y is
 * how many X make one Y, so a value in Y times X_PER_Y is in X. SI inside, other units only
 * at the edges (DESIGN.md). Keep the arithmetic of a conversion as it was written where it
 * is used (x / ECO_KMH_PER_MPS and x * ECO_MPS_PER_KMH round differently). */
#ifndef ECODRIVE_UNITS_H
#define ECODRIVE_UNITS_H

#define ECO_PI 3.14159265358979323846

/* Speed. 1 km/h = 1/3.6 m/s; 1 mph = 0.44704 m/s exactly (international mile, NIST SP 811
 * appendix B.8). */
#define ECO_KMH_PER_MPS 3.6
#define ECO_MPS_PER_KMH (1.0 / 3.6)
#define ECO_MPS_PER_MPH 0.44704
#define ECO_KM_PER_MILE 1.609344 /* international mile, NIST SP 811 */
#define ECO_M_PER_KM    1000.0

/* Rotation and angle: 1 rpm = 2 pi / 60 rad/s; 1 degree = pi / 180 rad. Where a speed was
 * written rpm * pi / 30, rpm * ECO_RAD_PER_REV / ECO_S_PER_MIN keeps its rounding (the
 * factor 2 is exact). */
#define ECO_RADPS_PER_RPM (ECO_PI / 30.0)
#define ECO_RAD_PER_DEG   (ECO_PI / 180.0)
#define ECO_RAD_PER_REV   (2.0 * ECO_PI)

/* Mass, force and power in US units (NIST SP 811 appendix B.8): 1 lb = 0.45359237 kg and
 * 1 lbf = 4.4482216152605 N exactly; 1 hp (550 ft lbf/s) = 745.69987 W, here to the nine
 * digits the EPA path has always used. */
#define ECO_KG_PER_LB 0.45359237
#define ECO_N_PER_LBF 4.4482216152605
#define ECO_KW_PER_HP 0.745699872

/* Energy and power. */
#define ECO_J_PER_KWH 3.6e6
#define ECO_W_PER_KW  1000.0

/* Time. */
#define ECO_S_PER_MIN 60.0
#define ECO_S_PER_H   3600.0
#define ECO_NS_PER_S  1000000000LL
#define ECO_US_PER_S  1000000LL
#define ECO_NS_PER_US 1000LL
#define ECO_NS_PER_MS 1000000LL

#endif
