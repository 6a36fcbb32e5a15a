DROP TABLE checkin_reviews;
