DROP TABLE checkins;
DROP TABLE patrol_plan_boxes;
DROP TABLE patrol_plan_officers;
DROP TABLE patrol_plans;
DROP TABLE patrol_boxes;
DROP TABLE box_code_keys;
