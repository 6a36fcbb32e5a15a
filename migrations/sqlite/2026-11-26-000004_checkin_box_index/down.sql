DROP INDEX checkins_officer_box_time;
